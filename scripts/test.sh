#!/usr/bin/env bash
# Installs the system dependencies and runs the whole test suite in an optimized build
# (numeric code is 10–50× slower in debug). This is the command CI runs (.ci/run).
# The suite is XCTest only (Swift Testing is disabled so its empty run does not close the log);
# the last line is the plain summary "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release -Xswiftc -enable-testing --build-tests
# --- parity harness (issue 14, docs/parity.md): a python with torch for ParityTests; they skip without one ---
if [ -z "${AEGIS_PARITY_PYTHON:-}" ]; then
  if [ ! -x .build-venv-torch/bin/python ]; then
    { python3 -m venv .build-venv-torch && .build-venv-torch/bin/pip install -q "torch==2.13.0+cpu" numpy safetensors; } \
      || echo "parity: could not create .build-venv-torch; ParityTests will be skipped"
  fi
  if [ -x .build-venv-torch/bin/python ]; then export AEGIS_PARITY_PYTHON="$PWD/.build-venv-torch/bin/python"; fi
fi
# --- end parity harness ---
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" "$log" | tail -1 || true)
total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failed=$(echo "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
if [ -n "$summary" ]; then echo "$((total - failed)) passed, $failed failed"; fi
exit "$status"
