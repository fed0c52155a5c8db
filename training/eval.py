"""
Evaluate a run: generate with the PyTorch EMA model (Euler, 25 steps, guidance 4) on a fixed prompt list,
check every image with a procedural checker, and score DAAM-style word maps against the generated objects.

    /usr/bin/python3 training/eval.py --run training/runs/default --seeds 3

Prints a table and writes <run>/eval.json (export.py folds it into the manifest) and <run>/eval_samples.png.
The checker that reads the images is checker.py; generation with word maps is daam.py; world v2's set is
eval_v2.py (--set v2|both).

Prompts. Training covers every (colour, shape, position) triple except scenes.HELD_OUT, so the prompts the
model has never seen are exactly those that contain a held-out triple: all 9 as single objects, and
two-object prompts pairing a held-out triple with another object on the opposite side. These form the
"heldOut" group. A control group of prompts built only from seen triples (their exact captions may have
occurred in training) is reported next to it; "all" pools both.

Metrics (per seed set, then mean and range):
  single     single-object prompts fully right (colour found, shape, position)
  two        two-object prompts fully right (both objects: colour found, shape, side)
  binding    two-object prompts whose shapes differ: both colours found carrying the shape the caption
             binds to them (a missing object counts as wrong; a random pairing of present shapes scores 0.5)
  placement  objects (of all prompts) found on the position/side/half the caption names
  mIoU       DAAM: each layer's cross-attention averaged over heads, bilinear-upsampled to 32x32, summed
             over layers and steps, min-max normalised per word, thresholded at 0.4, IoU against the
             pixels of the object the word names (objects the checker found); per word class.
             Over all layers (the headline figure, what the explorer shows by default), over each
             layer alone (miou_<kind>@<layer>), and over DAAM's own layer set (miou_<kind>@daam_layers):
             the reference implementation (castorini/daam, trace.py) leaves out the middle block's
             cross-attention and the lowest-resolution maps (its hooker skips factor 8, i.e. 8x8 of a
             64x64 latent); that is the set behind the paper's 58.8-64.8 noun mIoU on Stable Diffusion.
"""

import argparse
import json
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenes  # noqa: E402
from checker import check  # noqa: E402
from daam import TAU, daam_layers, generate, word_iou  # noqa: E402
from worlds import world_of  # noqa: E402

TARGETS = {"single": 0.90, "two": 0.70, "binding": 0.80, "placement": 0.85, "miou_colour": 0.70}


# -----------------------------------------------------------------------------
# prompt list (fixed)

def prompt_list(seed=2024):
    """[(caption, [obj dict(colour, shape, size, position)], held_out: bool)], fixed by seed."""
    rng = np.random.default_rng(seed)
    out = []
    size = lambda: scenes.SIZES[rng.integers(2)]
    held = [dict(colour=c, shape=s, position=p) for c, s, p in scenes.HELD_OUT]
    seen = [dict(colour=c, shape=s, position=p) for c in scenes.COLOUR_NAMES for s in scenes.SHAPES
            for p in scenes.POSITIONS if (c, s, p) not in scenes.HELD_OUT_SET]
    opposite = {a: b for a, b in scenes.PAIRS}
    # single objects: every held-out triple, and 9 seen ones
    for o in held:
        out.append([dict(o, size=size())])
    for i in rng.choice(len(seen), 9, replace=False):
        out.append([dict(seen[i], size=size())])
    # two objects: each held-out triple that can be in a pair, in both caption orders, and 16 seen pairs
    def partner(o):
        while True:
            c = seen[rng.integers(len(seen))]
            if c["position"] == opposite[o["position"]] and c["colour"] != o["colour"]:
                return dict(c, size=size())
    for o in held:
        if o["position"] == "center":
            continue
        a, b = dict(o, size=size()), None
        b = partner(a)
        out.append([a, b])
        c = partner(a)
        out.append([c, dict(o, size=size())])
    while sum(len(p) == 2 for p in out) < 14 + 16:
        a = dict(seen[rng.integers(len(seen))], size=size())
        if a["position"] == "center":
            continue
        out.append([a, partner(a)])
    # the size word is left out of every third prompt, as in training
    res = []
    for i, objs in enumerate(out):
        with_size = i % 3 != 2
        if not with_size:
            objs = [dict(o, size=None) for o in objs]
        held_out = any((o["colour"], o["shape"], o["position"]) in scenes.HELD_OUT_SET for o in objs)
        res.append((scenes.caption_of(objs), objs, held_out))
    return res


# -----------------------------------------------------------------------------
# scoring one seed set

KIND_OF = {**{c: "colour" for c in scenes.COLOUR_NAMES}, **{s: "shape" for s in scenes.SHAPES},
           **{s: "size" for s in scenes.SIZES}, **{p: "position" for p in scenes.POSITIONS}}


def score(model, prompts, seed, steps, guidance):
    captions = [p[0] for p in prompts]
    imgs, layers = generate(model, captions, seed, steps, guidance)
    layers = {k: v.numpy() for k, v in layers.items()}
    imgs, heat = imgs.numpy(), sum(layers.values())  # (B, T, 32, 32): all layers
    ref = daam_layers(model.unet.attention_layout())
    heat_ref = sum(layers[n] for n in ref) if ref else None  # (B, T, 32, 32): DAAM's layer set
    rows = []
    for i, (cap, objs, held) in enumerate(prompts):
        r = check(imgs[i], objs)
        # word -> object: the k-th phrase of the caption names objs[k]
        ious = []
        words = scenes.split_words(cap)
        o = 0
        for t, w in enumerate(words[: scenes.MAX_TOKENS - 1]):
            if w == "and":
                o += 1
            elif w in KIND_OF and r["per"][o]["found"]:
                mask = r["per"][o]["obj"]["mask"]
                ious.append((KIND_OF[w], word_iou(heat[i, t + 1], mask)))
                for name, h in layers.items():  # each layer alone, for the explorer's layer picker
                    ious.append((f"{KIND_OF[w]}@{name}", word_iou(h[i, t + 1], mask)))
                if heat_ref is not None:
                    ious.append((f"{KIND_OF[w]}@daam_layers", word_iou(heat_ref[i, t + 1], mask)))
        rows.append(dict(caption=cap, n=len(objs), held_out=held, all_right=r["all_right"],
                         binding=r.get("binding"), place=[p["place"] for p in r["per"]], ious=ious))
    return rows, imgs


def summarise(rows):
    def frac(xs):
        xs = list(xs)
        return float(np.mean(xs)) if xs else None
    out = dict(
        single=frac(r["all_right"] for r in rows if r["n"] == 1),
        two=frac(r["all_right"] for r in rows if r["n"] == 2),
        binding=frac(r["binding"] for r in rows if r["binding"] is not None),
        placement=frac(p for r in rows for p in r["place"]),
    )
    groups = {"single": [r for r in rows if r["n"] == 1], "two": [r for r in rows if r["n"] == 2],
              "heldOut": [r for r in rows if r["held_out"]], "all": rows}
    for g, rs in groups.items():
        for kind in ("colour", "shape", "size", "position"):
            out[f"miou_{kind}_{g}"] = frac(v for r in rs for k, v in r["ious"] if k == kind)
    for kind in ("colour", "shape", "size", "position"):
        out[f"miou_{kind}"] = out[f"miou_{kind}_all"]
    layer_keys = sorted({k for r in rows for k, _ in r["ious"] if "@" in k})
    for key in layer_keys:  # e.g. miou_colour@attn_down_1_0: that layer's map alone, all prompts
        out[f"miou_{key}"] = frac(v for r in rows for k, v in r["ious"] if k == key)
    return out


def save_png(path, imgs, ncol=10):
    """imgs (N, 3, 32, 32) in [-1, 1] -> a grid PNG (no PIL needed)."""
    N, _, H, W = imgs.shape
    nrow = (N + ncol - 1) // ncol
    grid = np.ones((nrow * (H + 2), ncol * (W + 2), 3), dtype=np.uint8) * 255
    for i in range(N):
        r, c = divmod(i, ncol)
        grid[r * (H + 2):r * (H + 2) + H, c * (W + 2):c * (W + 2) + W] = \
            (np.clip((imgs[i] + 1) / 2, 0, 1).transpose(1, 2, 0) * 255).astype(np.uint8)
    raw = b"".join(b"\x00" + grid[y].tobytes() for y in range(grid.shape[0]))
    chunk = lambda tag, data: struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", grid.shape[1], grid.shape[0], 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def evaluate(run, seeds=3, steps=25, guidance=4.0, quiet=False, write=True):
    from checkpoint import load_model
    model, cfg, ck = load_model(run, "ema")
    prompts = prompt_list()
    t0 = time.time()
    per_seed, all_rows, first_imgs = [], [], None
    for s in range(seeds):
        rows, imgs = score(model, prompts, seed=s, steps=steps, guidance=guidance)
        per_seed.append(summarise(rows))
        all_rows += rows
        if first_imgs is None:
            first_imgs = imgs
    held = [r for r in all_rows if r["held_out"]]
    keys = list(per_seed[0])
    result = {
        "step": ck["step"], "steps": steps, "guidance": guidance, "seeds": seeds, "tau": TAU,
        "prompts": {"total": len(prompts), "single": sum(len(p[1]) == 1 for p in prompts),
                    "two": sum(len(p[1]) == 2 for p in prompts), "heldOut": sum(p[2] for p in prompts)},
        "mean": {k: _mean([p[k] for p in per_seed]) for k in keys},
        "range": {k: _range([p[k] for p in per_seed]) for k in keys if "@" not in k},
        "heldOut": {k: v for k, v in summarise(held).items() if not k.startswith("miou_") or k.endswith("_heldOut")},
        "targets": TARGETS,
        "daamLayers": daam_layers(model.unet.attention_layout()),
        "command": f"python3 training/eval.py --run {run} --seeds {seeds}",
        "wallSeconds": round(time.time() - t0, 1),
    }
    if write and os.path.isdir(run):
        with open(os.path.join(run, "eval.json"), "w") as f:
            json.dump(result, f, indent=2)
        save_png(os.path.join(run, "eval_samples.png"), first_imgs)
    if not quiet:
        print_table(result, prompts)
    return result


def _mean(xs):
    xs = [x for x in xs if x is not None]
    return round(float(np.mean(xs)), 4) if xs else None


def _range(xs):
    xs = [x for x in xs if x is not None]
    return [round(float(min(xs)), 4), round(float(max(xs)), 4)] if xs else None


def print_table(res, prompts):
    m, r, h = res["mean"], res["range"], res["heldOut"]
    fmt = lambda v: "  -  " if v is None else f"{v:.3f}"
    print(f"step {res['step']}, {res['seeds']} seed sets, {res['steps']} steps, guidance {res['guidance']}, "
          f"{res['prompts']['total']} prompts ({res['prompts']['heldOut']} held-out)")
    print(f"{'metric':<22}{'mean':>8}{'range':>16}{'held-out':>10}{'target':>8}")
    for k in ("single", "two", "binding", "placement"):
        rg = r[k]
        print(f"{k:<22}{fmt(m[k]):>8}{(fmt(rg[0]) + '-' + fmt(rg[1])) if rg else '-':>16}{fmt(h[k]):>10}"
              f"{fmt(TARGETS.get(k)):>8}")
    print(f"{'mIoU (tau 0.4)':<22}{'all':>8}{'single':>8}{'two':>8}{'held-out':>10}{'target':>8}")
    for kind in ("colour", "shape", "size", "position"):
        print(f"  {kind:<20}{fmt(m[f'miou_{kind}_all']):>8}{fmt(m[f'miou_{kind}_single']):>8}"
              f"{fmt(m[f'miou_{kind}_two']):>8}{fmt(h[f'miou_{kind}_heldOut']):>10}"
              f"{fmt(TARGETS.get('miou_' + kind)):>8}")
    layers = [k.split("@")[1] for k in m if k.startswith("miou_colour@") and not k.endswith("@daam_layers")]
    if "miou_colour@daam_layers" in m:
        print(f"  DAAM's layer set ({', '.join(res.get('daamLayers', []))}): colour "
              f"{fmt(m['miou_colour@daam_layers'])}, shape {fmt(m.get('miou_shape@daam_layers'))}")
    if layers:
        print(f"{'one layer alone':<22}" + "".join(f"{n[5:]:>12}" for n in layers))
        for kind in ("colour", "shape"):
            print(f"  {kind:<20}" + "".join(f"{fmt(m.get(f'miou_{kind}@{n}')):>12}" for n in layers))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="run directory (or checkpoint file)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--guidance", type=float, default=4.0)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 while a training run is going)")
    ap.add_argument("--set", choices=["v1", "v2", "both"], default=None,
                    help="prompt set: v1 (regression set, eval.json), v2 (world v2's harder set, eval_v2.json) or "
                         "both (default for a world-v2 model; v1 otherwise)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from checkpoint import load_model
    which = args.set or ("both" if world_of(load_model(args.run)[0]).__name__ == "scenes_v2" else "v1")
    v1 = evaluate(args.run, args.seeds, args.steps, args.guidance) if which in ("v1", "both") else None
    if which in ("v2", "both"):
        evaluate_world_v2(args.run, args.seeds, args.steps, args.guidance, v1)


def evaluate_world_v2(run, seeds, steps, guidance, v1=None):
    """World v2's set (eval_v2.py) -> <run>/eval_v2.json, eval_v2_samples.png and a table. With the v1
    result, also the combined score: the mean of every adherence figure of both sets (how the default
    model is chosen)."""
    import eval_v2
    from checkpoint import load_model
    model, cfg, ck = load_model(run, "ema")
    t0 = time.time()
    res, imgs = eval_v2.evaluate_v2(model, seeds, steps, guidance)
    res.update(step=ck["step"], wallSeconds=round(time.time() - t0, 1),
               command=f"python3 training/eval.py --run {run} --seeds {seeds} --set v2")
    if v1 is not None:
        figs = [v1["mean"][k] for k in ("single", "two", "binding", "placement")]
        figs += [res["mean"][k] for k in eval_v2.CATEGORIES + ["relation", "background"]]
        res["combined"] = round(float(np.mean([f for f in figs if f is not None])), 4)
    if os.path.isdir(run):
        with open(os.path.join(run, "eval_v2.json"), "w") as f:
            json.dump(res, f, indent=2)
        save_png(os.path.join(run, "eval_v2_samples.png"), imgs)
    eval_v2.print_table_v2(res)
    if "combined" in res:
        print(f"combined (mean of all adherence figures, v1 + v2 sets): {res['combined']:.3f}")
    return res


if __name__ == "__main__":
    main()
