"""
The harder prompt set for world v2 (scenes_v2.py) and its scoring; eval.py --set v2|both runs it. The
checker is checker_v2.py.

Categories (each prompt belongs to one): single (new colours and shapes), two (pairs), same-colour pairs,
same-shape pairs, size pairs, three objects (rows and columns), held-out triples (three-object prompts with
a held-out (colour, shape, position)), relations, backgrounds (dark and light, said explicitly).

mIoU rows (DAAM, tau 0.4, all layers): colour, shape, size words against their object; position words
against their object (v1's row) and against the layout cell they name (position_region); relation words
against the union of the two objects; background words (dark, light, background) against every pixel no
found object covers.
"""

import numpy as np

import render_v2 as R
import scenes_v2 as W
from checker import MIN_PIXELS
from checker_v2 import GEO, check
from daam import generate, word_iou

TARGETS_V2 = {"single": 0.95, "two": 0.90, "triple": 0.70, "relation": 0.80, "background": 0.95,
              "miou_colour": 0.75, "miou_shape": 0.65}
CATEGORIES = ["single", "two", "same_colour", "same_shape", "size_pair", "triple", "held_out_triple",
              "relation", "background"]


# -----------------------------------------------------------------------------
# the prompt set

def _obj(rng, background="light", position=None, colour=None, shape=None, size=None, avoid=(), rel=None, first=False):
    for _ in range(1000):
        c = colour or W.COLOUR_NAMES[rng.integers(len(W.COLOUR_NAMES))]
        s = shape or W.SHAPES[rng.integers(len(W.SHAPES))]
        if c in avoid:
            continue
        if colour is None or shape is None:  # free parts must keep the object a seen one
            if not W.allowed(c, s, background, position, rel, first):
                continue
        break
    sz = size if size is not None else W.SIZES[rng.integers(2)]
    return dict(colour=c, shape=s, size=sz, size_word=True, position=position)


def _scene(form, objs, background="light", bg_word=False, relation=None):
    return dict(form=form, objects=objs, relation=relation, background=background, bg_word=bg_word)


def held_out(scene):
    for k, d in enumerate(scene["objects"]):
        if d["position"] is not None and (d["colour"], d["shape"], d["position"]) in W.HELD_OUT_SET:
            return True
        if (d["colour"], d["shape"], scene["background"]) in W.HELD_OUT_BG:
            return True
        if scene["relation"] and k == 0 and (d["colour"], d["shape"], scene["relation"]) in W.HELD_OUT_REL:
            return True
    return False


def prompt_set(seed=2025, per=12):
    """[(category, scene)]: `per` prompts per category, fixed by seed. Every third prompt leaves the size
    words out, as in training."""
    rng = np.random.default_rng(seed)
    new_c = ["pink", "cyan", "brown", "white", "black"]
    new_s = ["diamond", "ring", "cross", "heart", "star"]
    out = []
    v2_held = [h for h in W.HELD_OUT if h not in W.v1.HELD_OUT_SET]
    for i in range(per):  # single: the new held-out triples first, then new colours/shapes
        if i < len(v2_held):
            c, s, p = v2_held[i]
            bg = W.COLOUR_BACKGROUND.get(c, "light")
            out.append(("single", _scene("single", [_obj(rng, bg, p, c, s)], bg, bg == "dark")))
        else:
            p = W.POSITIONS[i % 5]
            c = new_c[i % 5]
            bg = W.COLOUR_BACKGROUND.get(c, "light")
            out.append(("single", _scene("single", [_obj(rng, bg, p, c, new_s[(i * 2) % 5])], bg, bg == "dark")))
    for i in range(per):
        pa = W.PAIRS[i % 4]
        a = _obj(rng, "light", pa[0], shape=new_s[i % 5], avoid=("white",))
        b = _obj(rng, "light", pa[1], avoid=(a["colour"], "white"))
        out.append(("two", _scene("pair", [a, b])))
    for i in range(per):
        pa = W.PAIRS[i % 4]
        a = _obj(rng, "light", pa[0], avoid=("white",))
        b = _obj(rng, "light", pa[1], colour=a["colour"], shape=[s for s in W.SHAPES if s != a["shape"]][i % 7])
        out.append(("same_colour", _scene("pair", [a, b])))
    for i in range(per):
        pa = W.PAIRS[i % 4]
        a = _obj(rng, "light", pa[0], avoid=("white",))
        b = _obj(rng, "light", pa[1], shape=a["shape"], avoid=(a["colour"], "white"))
        out.append(("same_shape", _scene("pair", [a, b])))
    for i in range(per):
        pa = W.PAIRS[i % 4]
        a = _obj(rng, "light", pa[0], size=["big", "small"][i % 2], avoid=("white",))
        b = _obj(rng, "light", pa[1], shape=a["shape"] if i % 3 == 0 else None, size=["small", "big"][i % 2],
                 avoid=(a["colour"], "white"))
        out.append(("size_pair", _scene("pair", [a, b])))
    for cat in ("triple", "held_out_triple"):
        for i in range(per):
            tr = W.TRIPLES[i % 2]
            bg = "dark" if i % 4 == 3 else "light"
            objs, used = [], []
            hk = i % 3 if cat == "held_out_triple" else -1
            for k, p in enumerate(tr):
                if k == hk:
                    cands = [h for h in W.HELD_OUT if h[2] == p and W.COLOUR_BACKGROUND.get(h[0], bg) == bg
                             and h[0] not in used]
                    if cands:
                        c, s, _ = cands[rng.integers(len(cands))]
                        objs.append(_obj(rng, bg, p, c, s))
                        used.append(c)
                        continue
                o = _obj(rng, bg, p, avoid=tuple(used))
                objs.append(o)
                used.append(o["colour"])
            out.append((cat, _scene("triple", objs, bg, bg == "dark")))
    for i in range(per):
        rel = W.RELATIONS[i % 4]
        held = [h for h in W.HELD_OUT_REL if h[2] == rel]
        if i < 4 and held:
            a = _obj(rng, "light", None, held[0][0], held[0][1])
        else:
            a = _obj(rng, "light", None, avoid=("white",), rel=rel, first=True)
        b = _obj(rng, "light", None, avoid=(a["colour"], "white"))
        out.append(("relation", _scene("relation", [a, b], relation=rel)))
    for i in range(per):
        bg = ["dark", "light"][i % 2]
        if i % 3 == 2:
            pa = W.PAIRS[i % 4]
            a = _obj(rng, bg, pa[0])
            objs = [a, _obj(rng, bg, pa[1], avoid=(a["colour"],))]
            out.append(("background", _scene("pair", objs, bg, True)))
        else:
            out.append(("background", _scene("single", [_obj(rng, bg, W.POSITIONS[i % 5])], bg, True)))
    for j, (cat, sc) in enumerate(out):
        if j % 3 == 2:
            for d in sc["objects"]:
                d["size_word"] = False
    return out


# -----------------------------------------------------------------------------
# scoring one seed set

WORD_KIND = {**{c: "colour" for c in W.COLOUR_NAMES}, **{s: "shape" for s in W.SHAPES},
             **{s: "size" for s in W.SIZES}}


def word_rows(scene, res, heat_i):
    """[(kind, iou)] for every scored word of one prompt; heat_i (T, 32, 32)."""
    out = []
    m = res["matched"]
    any_obj = np.zeros((W.SIZE, W.SIZE), dtype=bool)
    for f in res["found"]:
        any_obj |= f["mask"]
    for t, (w, kind, tag) in enumerate(W.caption_words(scene)[:heat_i.shape[0] - 1]):  # the model's T
        h = heat_i[t + 1]
        if kind in ("colour", "shape", "size") and m[tag] is not None:
            out.append((kind, word_iou(h, m[tag]["mask"])))
        elif kind == "position":
            if m[tag] is not None:
                out.append(("position", word_iou(h, m[tag]["mask"])))
            cell = R.cell(scene["form"], w)
            if cell is None:
                cell = R.triple_center_cell("row" if scene["objects"][0]["position"] == "left" else "col")
            out.append(("position_region", word_iou(h, cell)))
        elif kind == "relation" and m[0] is not None and m[1] is not None:
            out.append(("relation", word_iou(h, m[0]["mask"] | m[1]["mask"])))
        elif kind == "background":
            out.append(("background", word_iou(h, ~any_obj)))
    return out


def summarise(rows):
    frac = lambda xs: float(np.mean(xs)) if len(xs) else None
    out = {}
    for cat in CATEGORIES:
        rs = [r for r in rows if r["category"] == cat]
        out[cat] = frac([r["all_right"] for r in rs])
    out["relation"] = frac([r["relation"] for r in rows if r["relation"] is not None])
    out["background"] = frac([r["background"] for r in rows])
    out["heldOut"] = frac([r["all_right"] for r in rows if r["held_out"]])
    for kind in ("colour", "shape", "size", "position", "position_region", "relation", "background"):
        out[f"miou_{kind}"] = frac([v for r in rows for k, v in r["ious"] if k == kind])
    return out


def score_v2(model, prompts, seed, steps, guidance):
    """Generate the v2 prompt set with one seed set: (rows, images)."""
    captions = [W.caption_of(sc) for _, sc in prompts]
    imgs, layers = generate(model, captions, seed, steps, guidance)
    imgs = imgs.numpy()
    heat = sum(v.numpy() for v in layers.values())  # (B, T, 32, 32)
    rows = []
    for i, (cat, sc) in enumerate(prompts):
        r = check(imgs[i], sc)
        rows.append(dict(category=cat, caption=captions[i], held_out=held_out(sc), all_right=r["all_right"],
                         relation=r.get("relation"), background=r["background"], ious=word_rows(sc, r, heat[i])))
    return rows, imgs


def evaluate_v2(model, seeds=3, steps=25, guidance=4.0, per=12):
    """The v2 set over `seeds` seed sets: {"mean", "range", "perSeed", "prompts", "targets"}."""
    prompts = prompt_set(per=per)
    per_seed, imgs0 = [], None
    for s in range(seeds):
        rows, imgs = score_v2(model, prompts, seed=s, steps=steps, guidance=guidance)
        per_seed.append(summarise(rows))
        imgs0 = imgs if imgs0 is None else imgs0
    keys = list(per_seed[0])
    vals = lambda k: [p[k] for p in per_seed if p[k] is not None]
    return dict(
        mean={k: (round(float(np.mean(vals(k))), 4) if vals(k) else None) for k in keys},
        range={k: ([round(float(min(vals(k))), 4), round(float(max(vals(k))), 4)] if vals(k) else None) for k in keys},
        perSeed=per_seed, targets=TARGETS_V2, prompts={c: sum(1 for x, _ in prompts if x == c) for c in CATEGORIES},
        steps=steps, guidance=guidance, seeds=seeds), imgs0


def print_table_v2(res):
    fmt = lambda v: "  -  " if v is None else f"{v:.3f}"
    m, r = res["mean"], res["range"]
    print(f"v2 set: {sum(res['prompts'].values())} prompts, {res['seeds']} seed sets")
    print(f"{'category':<22}{'mean':>8}{'range':>16}{'target':>8}")
    for k in CATEGORIES + ["heldOut"] + [f"miou_{k}" for k in ("colour", "shape", "size", "position",
                                                                 "position_region", "relation", "background")]:
        rg = r.get(k)
        print(f"{k:<22}{fmt(m.get(k)):>8}{(fmt(rg[0]) + '-' + fmt(rg[1])) if rg else '-':>16}"
              f"{fmt(TARGETS_V2.get(k)):>8}")


def prompt_file():
    """The v2 set and what `npm run eval -- --set v2` needs of the world to check it (palette, shapes
    with their area per r^2 and centroid offset, layout centres): eval/prompts-v2.json."""
    return {
        "schema": 1,
        "note": "written by python3 training/eval_v2.py --write-prompts eval/prompts-v2.json (from scenes_v2.py)",
        "world": {
            "size": W.SIZE, "palette": {c: list(W.COLOURS[c]) for c in W.COLOUR_NAMES}, "shapes": W.SHAPES,
            "geometry": {k: [round(float(a), 6), round(float(d), 6)] for k, (a, d) in GEO.items()},
            "centres": {p: list(c) for p, c in W.v1.CENTRES.items()},
            "tripleCentres": {p: list(c) for p, c in W.TRIPLE_CENTRES.items()},
            "minPixels": MIN_PIXELS, "tau": 0.4,
        },
        "categories": CATEGORIES,
        "targets": TARGETS_V2,
        "prompts": [dict(category=cat, caption=W.caption_of(sc), heldOut=held_out(sc), scene=sc)
                    for cat, sc in prompt_set()],
    }


if __name__ == "__main__":
    import argparse
    import json
    ap = argparse.ArgumentParser(description="world v2's eval prompt set")
    ap.add_argument("--write-prompts", required=True, help="path of the JSON file to write (eval/prompts-v2.json)")
    args = ap.parse_args()
    with open(args.write_prompts, "w") as f:
        json.dump(prompt_file(), f, indent=1)
        f.write("\n")
    print(f"wrote {args.write_prompts}")
