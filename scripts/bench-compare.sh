#!/usr/bin/env bash
# Side-by-side throughput: `aegis bench --json` and the PyTorch CPU anchors
# (../shared/anchors/torch/bench.py), alternating, on the same machine, same session.
# usage: PY=/path/to/venv/bin/python scripts/bench-compare.sh [rounds]
# The venv needs torch (CPU build) and numpy: python3 -m venv V && V/bin/pip install torch numpy
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:?set PY to a python with torch installed}
ROUNDS=${1:-3}
ANCHORS=${ANCHORS:-../shared/anchors/torch}
AEGIS=${AEGIS:-.build/release/aegis}
out=$(mktemp -d)
for r in $(seq 1 "$ROUNDS"); do
  "$AEGIS" bench --json > "$out/aegis-$r.json"
  for model in smallcnn preact; do
    for mode in infer train pgd-train; do
      (cd "$ANCHORS" && "$PY" bench.py "$mode" --model "$model") | grep '^RESULT ' | sed 's/^RESULT //' >> "$out/torch.jsonl"
    done
  done
done
python3 - "$out" "$ROUNDS" <<'PY'
import json, statistics, sys, glob
out, rounds = sys.argv[1], int(sys.argv[2])
aegis = [json.load(open(f)) for f in sorted(glob.glob(out + "/aegis-*.json"))]
torch = [json.loads(l) for l in open(out + "/torch.jsonl")]
names = {"smallcnn": "smallcnn", "resnet": "preact"}
modes = {"infer_img_s": "infer", "train_step_img_s": "train", "pgd10_step_img_s": "pgd-train"}
print("| model | figure | Aegis img/s (median of %d) | PyTorch img/s (median of %d) | ratio |" % (len(aegis), rounds))
print("|---|---|---|---|---|")
for model, tmodel in names.items():
    for fig, mode in modes.items():
        a = statistics.median(r[model][fig] for r in aegis)
        ts = [r for r in torch if r.get("model") == tmodel and r.get("mode") == mode]
        key = next((k for k in ("images_per_s", "img_per_s", "imgs_per_s") if ts and k in ts[0]), None)
        t = statistics.median(r[key] for r in ts) if key else float("nan")
        print(f"| {model} | {fig} | {a:.1f} | {t:.1f} | {a / t:.2f}× |")
PY
