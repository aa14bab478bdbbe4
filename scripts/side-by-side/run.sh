#!/usr/bin/env bash
# Aegis and the PyTorch anchor on the same end-to-end recipe (recipe.aegis / train.py), seed by
# seed, alternating engines, each run under /usr/bin/time (wall, CPU, peak RSS); then a Markdown
# table of accuracies, collapse (a phase that ends at chance) and times.
# usage: PY=<venv>/bin/python scripts/side-by-side/run.sh [SEEDS="0 1 2 3 4"] [OUT=out/side-by-side]
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:?set PY to a python with torch (scripts/python-venv.sh makes one)}
SEEDS=${1:-0 1 2 3 4}
OUT=${2:-out/side-by-side}
ANCHORS=${ANCHORS:-../shared/anchors/torch}
AEGIS=${AEGIS:-$PWD/.build/release/aegis}
mkdir -p "$OUT"
for s in $SEEDS; do
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/aegis-seed$s.time" "$AEGIS" run scripts/side-by-side/recipe.aegis "$s" "$OUT" \
    > "$OUT/aegis-seed$s.log" 2>&1
  (cd "$ANCHORS" && /usr/bin/time -f '%e %U %S %M' -o "$OLDPWD/$OUT/torch-seed$s.time" "$PY" train.py --seed "$s") \
    > "$OUT/torch-seed$s.log" 2>&1
  echo "seed $s: aegis $(cat "$OUT/aegis-seed$s.time"), torch $(cat "$OUT/torch-seed$s.time") (wall user sys maxrss-KiB)"
done
python3 scripts/side-by-side/table.py "$OUT" $SEEDS
