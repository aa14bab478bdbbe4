"""nbclient runs a notebook with a training cell, a plot cell and an error cell (allow_errors)."""
import unittest

import aegis_kernel_env
import nbformat
from nbclient import NotebookClient

TRAINING = """seed 0
data = fashion_mnist("train", limit: 256)
net = mlp(width: 32, data: data)
h = train(net, data, epochs: 2, batch: 64, lr: 0.1)"""


def cell_text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


class NotebookRunTests(unittest.TestCase):
    def test_training_plot_and_error_cells(self):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": aegis_kernel_env.KERNEL_NAME, "display_name": "Aegis", "language": "aegis"}
        nb.cells = [
            nbformat.v4.new_code_cell(TRAINING),
            nbformat.v4.new_code_cell("plot h"),
            nbformat.v4.new_code_cell("print net.label\nbroken = missing_name * 2"),
            nbformat.v4.new_code_cell("h"),
        ]
        NotebookClient(nb, timeout=300, kernel_name=aegis_kernel_env.KERNEL_NAME, allow_errors=True).execute()
        training, plot, error, value = nb.cells

        # Every epoch's progress line is streamed.
        self.assertIn("epoch 1/2", cell_text(training))
        self.assertIn("epoch 2/2", cell_text(training))
        # ... and a live progress bar is a display of its own, updated in place.
        bars = [o for o in training.outputs if o.output_type == "display_data"]
        self.assertEqual(len(bars), 1)
        self.assertRegex(bars[0].data["text/plain"], r"epoch \d/2 \[[#-]+\]")

        displays = [o for o in plot.outputs if o.output_type == "display_data"]
        self.assertEqual(len(displays), 1)
        self.assertIn("<svg", displays[0].data["image/svg+xml"])
        self.assertIn("image/png", displays[0].data)

        errors = [o for o in error.outputs if o.output_type == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0].ename, "RuntimeError")
        traceback = "\n".join(errors[0].traceback)
        self.assertIn("In[3]:2:10", traceback)  # the located diagnostic: cell 3, line 2, column 10
        self.assertIn("missing_name", traceback)
        self.assertTrue(cell_text(error).strip() != "", "output printed before the error is kept")

        results = [o for o in value.outputs if o.output_type == "execute_result"]
        self.assertEqual(len(results), 1)
        self.assertIn("text/html", results[0].data)  # objects also come as HTML
        self.assertEqual(value.execution_count, 4)


if __name__ == "__main__":
    unittest.main(verbosity=2)
