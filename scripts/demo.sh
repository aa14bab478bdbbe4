#!/usr/bin/env bash
# Sets up Aegis and runs the main demo (scripts/demo.aegis) on Fashion-MNIST.
# Outputs (tables, CSV/JSON, plots) go to out/demo/. Pass a number to scale the run down,
# e.g. `scripts/demo.sh 2000` for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p out/demo
.build/release/aegis run scripts/demo.aegis "$@"
