"""Interrupting a long train(...): through the client's interrupt_kernel() (an interrupt_request
on the control channel, the kernelspec's interrupt_mode "message") and through SIGINT. The cell
ends with the interrupted message within 5 s and the workspace survives."""
import signal
import threading
import time
import unittest

import aegis_kernel_env
from jupyter_client.manager import start_new_kernel

SETUP = """seed 0
data = fashion_mnist("train", limit: 2048)
net = mlp(width: 64, data: data)
marker = 42"""
LONG_TRAINING = "h = train(net, data, epochs: 10000, batch: 32)"


class InterruptTests(unittest.TestCase):
    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name=aegis_kernel_env.KERNEL_NAME)
        reply = self.kc.execute_interactive(SETUP, timeout=60)
        self.assertEqual(reply["content"]["status"], "ok")

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def interrupt_training(self, interrupt):
        outputs = []
        started = threading.Event()

        def hook(msg):
            outputs.append(msg)
            if msg["msg_type"] == "execute_input":
                started.set()

        interrupted_at = []

        def send_interrupt():
            interrupted_at.append(time.monotonic())
            interrupt()

        timer = threading.Timer(2.0, send_interrupt)
        timer.start()
        reply = self.kc.execute_interactive(LONG_TRAINING, timeout=60, output_hook=hook)
        ended_at = time.monotonic()
        timer.cancel()
        self.assertTrue(started.is_set())
        self.assertEqual(len(interrupted_at), 1, "the training ended before it was interrupted")
        self.assertLess(ended_at - interrupted_at[0], 5.0, "the cell must end within 5 s of the interrupt")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertIn("interrupted", "\n".join(errors[0]["content"]["traceback"]))

        later = []
        reply = self.kc.execute_interactive("print marker, net.label, data.count", timeout=30, output_hook=later.append)
        self.assertEqual(reply["content"]["status"], "ok")
        text = "".join(m["content"].get("text", "") for m in later if m["msg_type"] == "stream")
        self.assertIn("42", text)
        self.assertIn("2048", text)

    def test_interrupt_request_on_control(self):
        self.assertEqual(self.km.kernel_spec.interrupt_mode, "message")
        self.interrupt_training(self.km.interrupt_kernel)

    def test_sigint(self):
        self.interrupt_training(lambda: self.km.signal_kernel(signal.SIGINT))

    def test_restart_gives_a_fresh_workspace(self):
        self.km.restart_kernel(now=False)  # a shutdown_request with restart: true, then a new process
        self.kc.wait_for_ready(timeout=60)
        outputs = []
        reply = self.kc.execute_interactive("marker", timeout=30, output_hook=outputs.append)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("undefined name `marker`", reply["content"]["evalue"])
        self.assertEqual(reply["content"]["execution_count"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
