#!/usr/bin/env bash
# Installs the system dependencies and runs the whole test suite in an optimized build
# (numeric code is 10–50× slower in debug). This is the command CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build
