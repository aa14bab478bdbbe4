#!/usr/bin/env bash
# Installs the system dependencies and runs the whole test suite in an optimized build
# (numeric code is 10–50× slower in debug). This is the command CI runs (.ci/run).
# The suite is XCTest only (Swift Testing is disabled so its empty run does not close the log);
# the last line is the plain summary "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release -Xswiftc -enable-testing --build-tests
# Python-driven tests (numpy/safetensors interop, PyTorch parity, Jupyter conformance) use one
# throwaway venv; each test skips with the reason when its interpreter is missing.
python=$(scripts/python-venv.sh)
if [ -n "$python" ]; then
  export AEGIS_PYTHON="${AEGIS_PYTHON:-$python}"
  export AEGIS_PARITY_PYTHON="${AEGIS_PARITY_PYTHON:-$python}"
  export AEGIS_JUPYTER_PYTHON="${AEGIS_JUPYTER_PYTHON:-$python}"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
# XCTest's closing line: "Executed N tests, with [K tests skipped and] F failures".
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with " "$log" | tail -1 || true)
if [ -n "$summary" ]; then
  total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  skipped=$(echo "$summary" | sed -nE 's/.*with ([0-9]+) tests? skipped.*/\1/p')
  skipped=${skipped:-0}
  echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
