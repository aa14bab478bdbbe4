"""Shared set-up for the kernel tests: installs the kernelspec of the aegis executable named by
$AEGIS_EXECUTABLE into a throwaway Jupyter data folder and points Jupyter at it."""
import atexit
import os
import shutil
import subprocess
import tempfile

KERNEL_NAME = "aegis"


def install_kernelspec():
    executable = os.environ["AEGIS_EXECUTABLE"]
    prefix = tempfile.mkdtemp(prefix="aegis-kernelspec-")
    atexit.register(shutil.rmtree, prefix, True)
    subprocess.run([executable, "kernel", "install", "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    return prefix


install_kernelspec()
