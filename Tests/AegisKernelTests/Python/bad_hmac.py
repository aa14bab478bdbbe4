"""A message with a wrong HMAC signature is rejected (no reply, a line in the kernel's log) and
the kernel keeps serving correctly signed requests."""
import tempfile
import time
import unittest

import aegis_kernel_env
import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session


class BadSignatureTests(unittest.TestCase):
    def test_wrong_key_is_rejected_and_logged(self):
        log = tempfile.NamedTemporaryFile(prefix="aegis-kernel-log-", suffix=".txt")
        km, kc = start_new_kernel(kernel_name=aegis_kernel_env.KERNEL_NAME, stderr=log)
        try:
            info = km.get_connection_info()
            forger = Session(key=b"not-the-kernel-key", username="mallory")
            socket = zmq.Context.instance().socket(zmq.DEALER)
            socket.connect("tcp://%s:%d" % (info["ip"], info["shell_port"]))
            forger.send(socket, "execute_request", {"code": 'print "forged"', "silent": False, "store_history": True,
                                                     "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            self.assertEqual(socket.poll(2000), 0, "the kernel must not answer a forged request")
            socket.close(0)

            reply = kc.execute_interactive('print "still serving"', timeout=30)
            self.assertEqual(reply["content"]["status"], "ok")
            self.assertEqual(reply["content"]["execution_count"], 1, "the forged request did not run")

            time.sleep(0.2)
            with open(log.name) as f:
                text = f.read()
            self.assertIn("invalid HMAC signature", text)
            self.assertIn("shell", text)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
