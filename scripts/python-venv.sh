#!/usr/bin/env bash
# Makes the throwaway Python environment the Python-driven tests use (.build-venv, ignored by git):
# numpy + safetensors (tensor interop, issue 9), torch (parity harness, issue 14) and the Jupyter
# clients (kernel conformance, issue 13). torch's CPU wheel comes from pip's local find-links, the
# rest from PyPI. Prints the interpreter's path; prints nothing (and the tests skip, saying why)
# when the environment cannot be made.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.build-venv
stamp="$venv/.complete-1"
if [ ! -f "$stamp" ]; then
  { python3 -m venv "$venv" \
      && "$venv/bin/pip" install -q "torch==2.13.0+cpu" numpy safetensors \
           jupyter_client nbclient nbformat jupyter_kernel_test \
      && touch "$stamp"; } >&2 || { echo "note: could not make $venv; the Python-driven tests will be skipped" >&2; exit 0; }
fi
echo "$PWD/$venv/bin/python"
