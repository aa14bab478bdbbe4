#!/usr/bin/env bash
# Installs Aegis's system dependencies from Debian: OpenBLAS, oneDNN, ZeroMQ, readline, zlib (build),
# gnuplot (plots), Fashion-MNIST (data) and slurm-wlm + munge (the plan tests run a one-node Slurm).
# Skips apt when everything is already installed.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
packages="libopenblas-dev libreadline-dev zlib1g-dev gnuplot-nox dataset-fashion-mnist"
packages="$packages libzmq3-dev python3-venv"  # Jupyter kernel (issue 13); venvs for the Python-driven tests
packages="$packages libdnnl-dev"  # oneDNN convolutions (issue 10)
# Plans on Slurm (issue 11): the tests start a single-node cluster (munged, slurmctld, slurmd).
packages="$packages slurm-wlm munge"
missing=""
for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  $SUDO apt-get update
  # shellcheck disable=SC2086
  $SUDO apt-get install -y $packages
fi
