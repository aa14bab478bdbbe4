#!/usr/bin/env python3
"""Lockstep parity of Aegis with PyTorch (docs/parity.md).

Replays, in PyTorch on the anchors' models, every case file the Aegis side wrote
(Tests/AegisSSLTests/ParityRecorder.swift: one <case>.safetensors per case) and
compares step by step: PGD start, each PGD iterate with its loss and input
gradient, the training input, logits, loss, input gradient, parameter gradients,
weights and BN buffers after the SGD step, and the momentum buffers.

Each step is teacher-forced: PyTorch starts it from Aegis's state (weights,
buffers, momentum) and evaluates each PGD step at Aegis's iterate, so a
difference shows up at the first quantity and step where it arises instead of
being compounded. Exit status 0 when every case agrees, 1 otherwise.

usage: parity.py DIR [--rtol 1e-4] [--atol 3e-5] [--floor 1e-7]
"""
import argparse
import copy
import glob
import itertools
import importlib.util
import json
import os
import sys

import torch
import torch.nn.functional as F
from safetensors import safe_open

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_DTYPE = torch.float64


def load_models_module():
    """The anchors' models.py (../shared/anchors/torch beside the clone, or
    $AEGIS_ANCHORS_DIR), else the copy in reference_models.py."""
    candidates = [os.environ.get("AEGIS_ANCHORS_DIR"), os.path.join(HERE, "..", "..", "..", "shared", "anchors", "torch")]
    for folder in filter(None, candidates):
        path = os.path.join(folder, "models.py")
        if os.path.isfile(path):
            spec = importlib.util.spec_from_file_location("anchor_models", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module, os.path.normpath(path)
    import reference_models  # noqa: E402 (same folder)
    return reference_models, os.path.join(HERE, "reference_models.py") + " (anchors not found)"


class Divergence(Exception):
    pass


class Checker:
    """|aegis - torch| <= rtol*|torch| + atol*max|torch| + floor, elementwise.

    rtol 1e-4: float32 sums of K terms in another order differ by up to about
    K*2^-24 of the sum of |terms| (typically sqrt(K)*2^-24); K here is up to
    ~1e5 (weight gradients over batch x pixels), so 1e-4 relative bounds the
    reassociation error of any well-conditioned sum. atol*max|torch| (3e-5):
    where terms cancel, the error is relative to the terms, not to the (small)
    result; the tensor's largest magnitude stands in for the term size, and
    the typical error sqrt(K)*2^-24 is ~2e-5 of it for K ~ 1e5.
    floor: an absolute 1e-7 for all-zero tensors.
    """

    def __init__(self, rtol, atol, floor):
        self.rtol, self.atol, self.floor = rtol, atol, floor
        self.count = 0
        self.worst = {}
        self.excused = 0
        self.kinks = 0
        self.flips = []

    def tolerance(self, ref, kind=""):
        scale = ref.abs().max().item() if ref.numel() else 0.0
        if "loss" in kind:  # sums of log-probabilities: the terms are O(1) even where the KL is ~0
            scale = max(scale, 1.0)
        if kind in ("grad", "momentum"):  # weight gradients sum batch x positions (K ~ 1e5) with cancellation
            scale *= 3
        return self.rtol * ref.abs() + self.atol * scale + self.floor

    def kinked_examples(self, a, t, ratio):
        """Examples whose input gradient differs beyond tolerance but by at most 5 % in L2:
        one ReLU pre-activation within float noise of 0 went the other way in one engine,
        changing that example's gradient over one unit's receptive field. At most one such
        example per tensor is accepted (a bug would not stay in one example); through BN batch
        statistics it nudges the others, which must stay within 3x the tolerance."""
        per = ratio.flatten(1).max(1).values
        i = int(per.argmax())
        others = torch.cat([per[:i], per[i + 1:]])
        if per[i] <= 1 or (others.numel() and others.max() > 3):
            return None
        rel = ((a[i] - t[i]).norm() / t[i].norm().clamp_min(1e-30)).item()
        return i if rel <= 0.05 else None

    def check(self, what, kind, aegis, ref, excuse=None, per_example=False):
        a, t = aegis.detach().double(), ref.detach().double()
        if a.shape != t.shape:
            raise Divergence(f"{what}: shape {tuple(a.shape)} in Aegis, {tuple(t.shape)} in PyTorch")
        self.count += 1
        err, tol = (a - t).abs(), self.tolerance(t, kind)
        ratio = err / tol
        if per_example:
            i = self.kinked_examples(a, t, ratio)
            if i is not None:
                self.kinks += 1
                ratio[i] = 0
                ratio = ratio / 3
                self.worst[kind] = max(self.worst.get(kind, 0.0), ratio.max().item())
                return i
        if excuse is not None:
            self.excused += int((excuse & (ratio > 1)).sum())
            ratio = ratio.masked_fill(excuse, 0)
        worst = ratio.max().item() if ratio.numel() else 0.0
        self.worst[kind] = max(self.worst.get(kind, 0.0), worst)
        if worst > 1:
            i = int(ratio.flatten().argmax())
            n = int((ratio > 1).sum())
            raise Divergence(
                f"{what}: {n} of {ratio.numel()} values differ; worst at flat index {i}: "
                f"Aegis {a.flatten()[i].item():.8g}, PyTorch {t.flatten()[i].item():.8g} "
                f"(|diff| {err.flatten()[i].item():.3g} > tolerance {tol.flatten()[i].item():.3g})")
        return None


def set_mode(model, train, frozen_bn):
    model.train(train)
    modules = dict(model.named_modules())
    for name in frozen_bn:
        modules[name].eval()


def load_state(model, A, prefix):
    """Aegis's tensors named <prefix>.<torch state_dict key>; same names and layouts
    (OIHW convs, [out, in] linears); num_batches_tracked is stored as float."""
    sd = model.state_dict()
    aegis_keys = {k[len(prefix) + 1:] for k in A if k.startswith(prefix + ".")}
    if aegis_keys != set(sd):
        raise Divergence(f"{prefix}: key mapping: only in Aegis {sorted(aegis_keys - set(sd))[:5]}, "
                         f"only in PyTorch {sorted(set(sd) - aegis_keys)[:5]}")
    new = {}
    for k, v in sd.items():
        src = A[f"{prefix}.{k}"]
        if src.shape != v.shape:
            raise Divergence(f"{prefix}.{k}: layout {tuple(src.shape)} in Aegis, {tuple(v.shape)} in PyTorch")
        new[k] = src.to(v.dtype)
    model.load_state_dict(new, strict=True)


def bn_buffers(model):
    return {k: v.clone() for k, v in model.state_dict().items() if "running" in k or "num_batches" in k}


def attack_objective(model, case, x, y):
    """Per-example loss PGD ascends: CE (Madry) or TRADES' KL(f(x) || f(x'))."""
    if case["step"] == "trades":
        with torch.no_grad():
            target = F.softmax(model(x), dim=1)
        return lambda xa: F.kl_div(F.log_softmax(model(xa), dim=1), target, reduction="none").sum(1)
    return lambda xa: F.cross_entropy(model(xa), y, reduction="none")


def replay_pgd(model, case, A, k, x, y, chk, frozen_bn):
    """Checks every PGD iterate of step k; returns the points Aegis trains on."""
    eps, step, steps = case["eps"], case["attack_step"], case["attack_steps"]
    p = f"s{k}.pgd0"
    saved = bn_buffers(model)
    set_mode(model, case["attack_bn"] == "train", frozen_bn)  # batch statistics, or running ones
    objective = attack_objective(model, case, x, y)
    predicted = torch.min(torch.max(x + A[f"s{k}.noise"], x - eps), x + eps).clamp(0, 1)
    chk.check(f"step {k} PGD start", "pgd.x", A[f"{p}.start"], predicted)
    excuse = None
    for j in range(steps):
        xa = A[f"{p}.it{j}.x"]
        chk.check(f"step {k} PGD iterate {j}", "pgd.x", xa, predicted, excuse)
        xr = xa.clone().requires_grad_(True)
        loss = objective(xr)
        (g,) = torch.autograd.grad(loss.sum(), xr)
        chk.check(f"step {k} PGD iterate {j} loss", "pgd.loss", A[f"{p}.it{j}.loss"], loss)
        kinked = chk.check(f"step {k} PGD iterate {j} input gradient", "pgd.grad", A[f"{p}.it{j}.grad"], g, per_example=True)
        # Where |g| is within float noise its sign may legitimately differ: excuse those pixels
        # (and the sign changes inside an example with a flipped ReLU).
        excuse = g.abs() <= chk.tolerance(g)
        if kinked is not None:
            excuse[kinked] |= torch.sign(A[f"{p}.it{j}.grad"][kinked]) != torch.sign(g[kinked])
        predicted = torch.min(torch.max(xa + step * g.sign(), x - eps), x + eps).clamp(0, 1)
    chk.check(f"step {k} PGD final iterate", "pgd.x", A[f"{p}.final"], predicted, excuse)
    chk.check(f"step {k} training input = final PGD iterate (Madry; not the first fooling one)", "pgd.x",
              A[f"{p}.result"], A[f"{p}.final"])
    restore_bn(model, saved)  # the attack must leave BN running statistics alone
    set_mode(model, True, frozen_bn)
    return A[f"{p}.result"]


def training_loss(model, case, A, k, x, y, x_adv):
    """(loss, logits Aegis reports) as the references compute them."""
    s = case["step"]
    if s == "madry":
        logits = model(x_adv)
        return F.cross_entropy(logits, y), logits
    if s == "trades":
        # TRADES (Zhang et al. 2019, official trades.py): CE(f(x)) + beta/B * sum KL(f(x) || f(x')),
        # the clean distribution NOT detached. (The official code runs f(x) twice; once is the
        # same value and gradient, and keeps BN running statistics updated once per input, as Aegis.)
        clean, adv = model(x), model(x_adv)
        kl = F.kl_div(F.log_softmax(adv, dim=1), F.softmax(clean, dim=1), reduction="sum") / x.shape[0]
        return F.cross_entropy(clean, y) + case["beta"] * kl, adv
    if s == "rotation":
        labels = A[f"s{k}.rotation.labels"].long()
        rotated = torch.stack([torch.rot90(x[i], int(labels[i]), (1, 2)) for i in range(x.shape[0])])
        logits = model(rotated)
        return F.cross_entropy(logits, labels), logits
    logits = model(x)
    return F.cross_entropy(logits, y), logits


class ReluTap:
    """Stands in for F.relu (the anchors' models call it at run time) to record every
    pre-activation of a forward pass and, optionally, to take some units (call, flat index)
    the other way."""

    def __init__(self):
        self.calls, self.flip = [], None

    def __call__(self, z, inplace=False):
        self.calls.append(z.detach())
        out = RELU(z)
        units = [i for c, i in self.flip or () if c == len(self.calls) - 1]
        if units:
            mask = torch.zeros(z.numel(), dtype=torch.bool)
            mask[units] = True
            mask = mask.view_as(z)
            out = torch.where(mask, torch.where(z > 0, z * 0, z), out)  # dead where it was live, and back
        return out


RELU = F.relu


def step_gradients(model, case, A, k, x, y, x_adv, params, flip):
    """The step's training loss, logits and gradients (parameters, and the input when not
    attacked) in the reference, with the ReLU units in `flip` ((call, flat index) pairs) taken the other way."""
    tap = ReluTap()
    tap.flip = flip
    F.relu = tap
    try:
        xi = x.detach().clone().requires_grad_(x_adv is None)
        loss, logits = training_loss(model, case, A, k, xi, y, x_adv)
        wrt = list(params) + ([xi] if x_adv is None else [])
        grads = torch.autograd.grad(loss, wrt)
    finally:
        F.relu = RELU
    return {"loss": loss.detach(), "logits": logits.detach(), "grads": list(grads[:len(params)]),
            "input_grad": grads[-1] if x_adv is None else None, "preactivations": tap.calls, "flip": flip}


def check_step(chk, A, k, trainable, attacked, r):
    chk.check(f"step {k} logits", "logits", A[f"s{k}.logits"], r["logits"])
    chk.check(f"step {k} loss", "loss", A[f"s{k}.loss"], r["loss"])
    if not attacked:
        chk.check(f"step {k} input gradient", "input_grad", A[f"s{k}.input_grad"], r["input_grad"], per_example=True)
    grads = {n[len(f"s{k}.grad."):] for n in A if n.startswith(f"s{k}.grad.")}
    if grads != set(trainable):
        raise Divergence(f"step {k}: parameters with gradients: Aegis {sorted(grads)[:4]}…, PyTorch {trainable[:4]}…")
    for n, g in zip(trainable, r["grads"]):
        chk.check(f"step {k} gradient {n}", "grad", A[f"s{k}.grad.{n}"], g)


FLIP_CANDIDATES = 8
FLIP_NOISE = 1e-4  # |pre-activation| / max|pre-activations of its layer| that float32 cannot place


def explain_by_relu_flips(model, case, A, k, x, y, x_adv, params, trainable, attacked, chk, before, saved, nominal, first):
    """A gradient difference that one or two ReLU units explain: pre-activations within float32
    noise of 0 (relative to their layer) that went the other way in Aegis. Tries the 8 units
    nearest to 0, alone and in pairs; accepted only if the whole step then agrees (a bug would
    not vanish by moving units at 1e-4 of their layer's scale). Otherwise the first difference
    stands."""
    candidates = []
    for c, z in enumerate(nominal["preactivations"]):
        rel = (z.abs() / z.abs().max().clamp_min(1e-30)).flatten()
        near = torch.topk(rel, min(FLIP_CANDIDATES, rel.numel()), largest=False)
        candidates += [(v.item(), c, int(i)) for v, i in zip(near.values, near.indices) if v.item() < FLIP_NOISE]
    candidates = sorted(candidates)[:FLIP_CANDIDATES]
    subsets = [[u] for u in candidates] + [list(p) for p in itertools.combinations(candidates, 2)]
    for units in subsets:
        restore_bn(model, saved)
        trial_result = step_gradients(model, case, A, k, x, y, x_adv, params, [(c, i) for _, c, i in units])
        trial = copy.deepcopy(before)
        try:
            check_step(trial, A, k, trainable, attacked, trial_result)
        except Divergence:
            continue
        chk.__dict__.update(trial.__dict__)
        chk.flips.append(f"step {k} " + " and ".join(f"ReLU call {c} unit {i} (|z| = {rel:.1e} of its layer's max)" for rel, c, i in units))
        return trial_result
    raise first


def restore_bn(model, saved):
    with torch.no_grad():
        for key, value in saved.items():
            model.state_dict()[key].copy_(value)


def perturbations(case, trainable):
    """Small wrong answers the harness must catch (--self-test): 1 % off one gradient, an
    SGD step without momentum, and, for attacked steps, training on the PGD start instead of
    the final iterate."""
    def scaled(key, factor):
        def apply(B):
            B[key] = B[key] * factor
        return f"{key} × {factor}", apply
    yield scaled(f"s0.grad.{trainable[0]}", 1.01)
    yield scaled(f"s1.momentum.{trainable[-1]}", 0.9)
    if case["step"] in ("madry", "trades"):
        def first_iterate(B):
            B["s0.pgd0.result"] = B["s0.pgd0.start"].clone()
        yield "trains on the PGD start", first_iterate


def run_case(path, models, chk, perturb=None):
    f = safe_open(path, "pt")
    meta = f.metadata()
    case = json.loads(meta["parity.case"])
    frozen_bn = json.loads(meta["parity.frozen_bn"])
    trainable = json.loads(meta["parity.trainable"])
    # Aegis's float32 values, and the reference computed in REFERENCE_DTYPE (see main).
    A = {k: f.get_tensor(k).to(REFERENCE_DTYPE) for k in f.keys()}
    if perturb is not None:
        perturb(A)
    model = models.build(case["model"], num_classes=4 if case["step"] == "rotation" else 10).to(REFERENCE_DTYPE)
    images, labels = A["data.images"], A["data.labels"].long()
    attacked = case["step"] in ("madry", "trades")
    for k in range(case["steps"]):
        load_state(model, A, "init" if k == 0 else f"s{k - 1}.post")
        named = dict(model.named_parameters())
        for n, p in named.items():
            p.requires_grad_(n in trainable)
        params = [named[n] for n in trainable]
        opt = torch.optim.SGD(params, lr=case["lr"], momentum=case["momentum"],
                              weight_decay=case["weight_decay"], nesterov=case["nesterov"])
        for n, p in zip(trainable, params):
            if k > 0 and f"s{k - 1}.momentum.{n}" in A:
                opt.state[p]["momentum_buffer"] = A[f"s{k - 1}.momentum.{n}"].clone()
        idx = A[f"s{k}.indices"].long()
        x, y = images[idx].clone(), labels[idx]
        set_mode(model, case["step"] != "eval", frozen_bn)
        x_adv = replay_pgd(model, case, A, k, x, y, chk, frozen_bn) if attacked else None
        if case["step"] == "rotation":
            lab = A[f"s{k}.rotation.labels"].long()
            rot = torch.stack([torch.rot90(x[i], int(lab[i]), (1, 2)) for i in range(x.shape[0])])
            chk.check(f"step {k} rotated batch (torch.rot90 over H, W)", "input", A[f"s{k}.rotation.inputs"], rot)
        saved = bn_buffers(model)
        nominal = step_gradients(model, case, A, k, x, y, x_adv, params, None)
        before = copy.deepcopy(chk)  # a failed check below must not count in the worst ratios
        try:
            check_step(chk, A, k, trainable, attacked, nominal)
        except Divergence as first:
            nominal = explain_by_relu_flips(model, case, A, k, x, y, x_adv, params, trainable, attacked, chk, before, saved, nominal, first)
        for p, g in zip(params, nominal["grads"]):
            p.grad = g
        opt.step()
        for key, value in model.state_dict().items():
            chk.check(f"step {k} after update {key}", "state", A[f"s{k}.post.{key}"], value.to(REFERENCE_DTYPE))
        for n, p in zip(trainable, params):
            buf = opt.state[p].get("momentum_buffer")
            if buf is not None:
                chk.check(f"step {k} momentum {n}", "momentum", A[f"s{k}.momentum.{n}"], buf)
    return case


def self_test(path, name, models, args):
    """1 when a deliberate error went unnoticed."""
    f = safe_open(path, "pt")
    case, trainable = json.loads(f.metadata()["parity.case"]), json.loads(f.metadata()["parity.trainable"])
    missed = 0
    for what, apply in perturbations(case, trainable):
        try:
            run_case(path, models, Checker(args.rtol, args.atol, args.floor), perturb=apply)
            print(f"MISSED {name}: the harness accepted a wrong answer ({what})")
            missed = 1
        except Divergence as d:
            print(f"CAUGHT {name}: {what} → {str(d)[:90]}")
    return missed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--atol", type=float, default=3e-5, help="times the tensor's largest |value|")
    ap.add_argument("--floor", type=float, default=1e-7)
    ap.add_argument("--float32", action="store_true",
                    help="run the PyTorch side in float32 instead of float64 (engine against engine)")
    ap.add_argument("--self-test", action="store_true",
                    help="also replay each case with small deliberate errors and require that every one is caught")
    args = ap.parse_args()
    global REFERENCE_DTYPE
    REFERENCE_DTYPE = torch.float32 if args.float32 else torch.float64
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    models, where = load_models_module()
    print(f"torch {torch.__version__} in {str(REFERENCE_DTYPE)[6:]}; models from {where}; tolerance rtol {args.rtol}, "
          f"atol {args.atol}·max|ref|, floor {args.floor}")
    files = sorted(glob.glob(os.path.join(args.dir, "*.safetensors")))
    if not files:
        print(f"no case files in {args.dir}")
        return 1
    failed = 0
    for path in files:
        chk = Checker(args.rtol, args.atol, args.floor)
        name = os.path.basename(path)[:-len(".safetensors")]
        try:
            run_case(path, models, chk)
            worst = ", ".join(f"{k} {v:.2f}" for k, v in sorted(chk.worst.items()))
            print(f"PASS {name}: {chk.count} comparisons; worst |diff|/tolerance by quantity: {worst}"
                  + (f"; {chk.excused} PGD pixels with |grad| below tolerance took another sign" if chk.excused else "")
                  + (f"; {chk.kinks} input gradients with one example's ReLU flipped" if chk.kinks else "")
                  + (f"; gradients explained by ReLU units within float32 noise of 0 taken the other way: "
                     + "; ".join(chk.flips) if chk.flips else ""))
        except Divergence as d:
            failed += 1
            print(f"FAIL {name} after {chk.count} agreeing comparisons: first difference: {d}")
        if args.self_test:
            failed += self_test(path, name, models, args)
    if failed:
        print(f"{failed} of {len(files)} cases differ")
        return 1
    print(f"all {len(files)} cases agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
