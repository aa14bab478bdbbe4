"""Tabulates scripts/side-by-side/run.sh's logs: one row per engine and seed, then the
collapse fraction, the mean ± std of the runs that learned, and the wall-time ratios."""
import json
import re
import statistics
import sys

out, seeds = sys.argv[1], sys.argv[2:]
CHANCE = 0.15  # a phase at or below this test accuracy (10 classes) collapsed


def times(path):
    wall, user, sys_, kib = open(path).read().split()
    return float(wall), float(user) + float(sys_), int(kib) / 1024


def aegis(seed):
    log = open(f"{out}/aegis-seed{seed}.log").read()
    m = re.search(r"RESULT seed \S+ std_test_acc (\S+) adv_clean_acc (\S+) adv_robust_acc (\S+)", log)
    std, clean, rob = map(float, m.groups())
    phase = lambda name: json.load(open(f"{out}/aegis-seed{seed}-{name}.json"))
    return {"std": std, "clean": clean, "pgd20": rob, "std_s": epoch_time(phase("standard")), "adv_s": epoch_time(phase("adversarial"))}


def epoch_time(history):
    epochs = history.get("epochs") or []
    return epochs[-1]["time"] if epochs else float("nan")


def torch(seed):
    log = open(f"{out}/torch-seed{seed}.log").read()
    r = json.loads(log.split("RESULT ", 1)[1].splitlines()[0])
    return {"std": r["std_test_acc"], "clean": r["adv_clean_acc"], "pgd20": r["adv_robust_acc"],
            "std_s": r["std_train_s"], "adv_s": r["adv_train_s"]}


rows = {"Aegis": [], "PyTorch": []}
print("| engine | seed | standard test acc | after PGD-10 epoch: clean | PGD-20 (1k) | std epoch s | PGD epoch s | process wall s | CPU s | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for s in seeds:
    for engine, read, prefix in (("Aegis", aegis, "aegis"), ("PyTorch", torch, "torch")):
        r = read(s)
        r["wall"], r["cpu"], r["rss"] = times(f"{out}/{prefix}-seed{s}.time")
        rows[engine].append(r)
        print(f"| {engine} | {s} | {r['std']:.2%} | {r['clean']:.2%} | {r['pgd20']:.2%} | {r['std_s']:.1f} | {r['adv_s']:.1f} | "
              f"{r['wall']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} |")


def summary(values):
    return f"{statistics.mean(values):.2%} ± {statistics.stdev(values):.2%}" if len(values) > 1 else (f"{values[0]:.2%}" if values else "–")


print()
print("| engine | standard phase collapsed | PGD phase collapsed | std acc (learned) | clean after PGD (learned) | PGD-20 (learned) | median process wall s | median peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|")
for engine, rs in rows.items():
    std_ok = [r for r in rs if r["std"] > CHANCE]
    adv_ok = [r for r in std_ok if r["clean"] > CHANCE]
    print(f"| {engine} | {len(rs) - len(std_ok)}/{len(rs)} | {len(std_ok) - len(adv_ok)}/{len(std_ok)} | {summary([r['std'] for r in std_ok])} | "
          f"{summary([r['clean'] for r in adv_ok])} | {summary([r['pgd20'] for r in adv_ok])} | {statistics.median(r['wall'] for r in rs):.1f} | "
          f"{statistics.median(r['rss'] for r in rs):.0f} |")
a, t = rows["Aegis"], rows["PyTorch"]
for key, what in (("std_s", "standard epoch"), ("adv_s", "PGD-10 epoch"), ("wall", "whole process")):
    ratios = [y[key] / x[key] for x, y in zip(a, t)]
    print(f"\n{what}: PyTorch time / Aegis time per seed = " + ", ".join(f"{r:.2f}×" for r in ratios)
          + f" (median {statistics.median(ratios):.2f}×)")
