#!/usr/bin/env bash
# Installs the system dependencies and runs the whole test suite in an optimized build
# (numeric code is 10–50× slower in debug). This is the command CI runs (.ci/run).
# The suite is XCTest only (Swift Testing is disabled so its empty run does not close the log);
# the last line is the plain summary "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# --- Jupyter kernel tests (issue 13): a throwaway venv with the Jupyter clients from PyPI. ---
if [ -z "${AEGIS_JUPYTER_PYTHON:-}" ]; then
  jupyter_venv=.build-venv-jupyter
  [ -x "$jupyter_venv/bin/python" ] || python3 -m venv "$jupyter_venv" || echo "warning: python3 -m venv failed"
  "$jupyter_venv/bin/pip" install -q jupyter_client nbclient nbformat jupyter_kernel_test \
    || echo "warning: could not install the Jupyter clients; JupyterClientTests will be skipped"
  export AEGIS_JUPYTER_PYTHON="$PWD/$jupyter_venv/bin/python"
fi
# --- end Jupyter block ---
swift build -c release -Xswiftc -enable-testing --build-tests
# --- tensor interop (issue 9): numpy + safetensors for TensorFilesTests; skipped if unavailable ---
if [ -z "${AEGIS_PYTHON:-}" ] && command -v python3 >/dev/null; then
  if [ -x .build-pyvenv/bin/python ] || { python3 -m venv .build-pyvenv && .build-pyvenv/bin/pip install -q numpy safetensors; }; then
    export AEGIS_PYTHON="$PWD/.build-pyvenv/bin/python"
  else
    echo "note: could not make .build-pyvenv; the numpy/safetensors interop test will be skipped"
  fi
fi
# --- end tensor interop ---
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1 || true)
total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failed=$(echo "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
if [ -n "$summary" ]; then echo "$((total - failed)) passed, $failed failed"; fi
exit "$status"
