"""Run All semantics: after a failing cell (stop_on_error, the default) the cells already queued
behind it are answered "aborted" without running; with stop_on_error false they run."""
import unittest

import aegis_kernel_env
from jupyter_client.manager import start_new_kernel


class AbortQueueTests(unittest.TestCase):
    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name=aegis_kernel_env.KERNEL_NAME)

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def replies(self, ids):
        got = {}
        while len(got) < len(ids):
            msg = self.kc.get_shell_msg(timeout=30)
            if msg["parent_header"].get("msg_id") in ids:
                got[msg["parent_header"]["msg_id"]] = msg["content"]
        return [got[i] for i in ids]

    def test_cells_queued_behind_an_error_are_aborted(self):
        # Several rounds: a request sent right after the last "aborted" reply is a new cell and
        # must run; once a race let it be swallowed by the abort of the previous queue.
        for round in range(8):
            x, y, z = f"x{round}", f"y{round}", f"z{round}"
            ids = [self.kc.execute(f"{x} = 1"), self.kc.execute("missing + 1"), self.kc.execute(f"{y} = 2"), self.kc.execute(f"{z} = 3")]
            statuses = [r["status"] for r in self.replies(ids)]
            self.assertEqual(statuses, ["ok", "error", "aborted", "aborted"], f"round {round}")
            reply = self.kc.execute_interactive(x, timeout=30)
            self.assertEqual(reply["content"]["status"], "ok", f"round {round}: a new cell after the abort did not run")
            reply = self.kc.execute_interactive(y, timeout=30)
            self.assertEqual(reply["content"]["status"], "error", f"round {round}: the aborted cell did not run")

    def test_without_stop_on_error_the_queue_runs(self):
        ids = [self.kc.execute("missing + 1", stop_on_error=False), self.kc.execute("y = 2")]
        self.assertEqual([r["status"] for r in self.replies(ids)], ["error", "ok"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
