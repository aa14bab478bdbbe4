#!/usr/bin/env bash
# Installs the system dependencies and builds the optimized `aegis` binary (.build/release/aegis).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product aegis
