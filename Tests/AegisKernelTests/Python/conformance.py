"""The Jupyter project's conformance suite (jupyter_kernel_test) against `aegis kernel`."""
import unittest

import aegis_kernel_env
import jupyter_kernel_test


class AegisKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = aegis_kernel_env.KERNEL_NAME
    language_name = "aegis"
    file_extension = ".aegis"

    code_hello_world = 'print "hello, world"'
    code_generate_error = "undefined_name + 1"
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": '"a" + "b"', "result": '"ab"'},
        {"code": "[1, 2] + [3]", "result": "[1, 2, 3]"},
    ]
    code_history_pattern = "1 ?*"
    supported_history_operations = ("tail", "range", "search")
    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "fgs", "matches": {"fgsm"}},
        {"text": "pgd(ste", "matches": {"step:", "steps:"}},  # named parameters of the open call
        {"text": 'x = "/usr/bi', "matches": {"/usr/bin/"}},  # paths inside strings
    ]
    complete_code_samples = ["1 + 2", "x = [1, 2]", "def f(x) {\n  return x\n}"]
    incomplete_code_samples = ["x = [1,", "def f(x) {", "for i in range(3) {\n  print i"]
    invalid_code_samples = ["1 +* 2", "x = )"]
    code_inspect_sample = "pgd"
    # An image grid drawn without `to:` is shown inline as SVG and PNG.
    code_display_data = [
        {"code": "show_images(rand([2, 1, 8, 8], seed: 1), n: 2)", "mime": "image/svg+xml"},
        {"code": "show_images(rand([2, 1, 8, 8], seed: 2), n: 2)", "mime": "image/png"},
    ]

    def test_aegis_kernel_info_help_links(self):
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=15)
        info = reply["content"]
        self.assertEqual(info["protocol_version"], "5.3")
        self.assertEqual(info["language_info"]["mimetype"], "text/x-aegis")
        self.assertTrue(any("language.md" in link["url"] for link in info["help_links"]))

    def test_aegis_comm_info(self):
        self.flush_channels()
        self.kc.comm_info()
        reply = self.kc.get_shell_msg(timeout=15)
        self.assertEqual(reply["content"], {"status": "ok", "comms": {}})


if __name__ == "__main__":
    unittest.main(verbosity=2)
