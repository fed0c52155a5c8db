"""
The procedural checker of world v2 (scenes_v2.py, drawn by render_v2.py): what a generated image shows
and whether it is what the scene says. eval_v2.py scores its prompt set with it; the TypeScript checker
(src/cli/eval/world-v2.ts, world-v2-score.ts) is the same.

Checker. As eval.py's, over the v2 palette (white and black count only where they differ from the
background by >= 0.25, and unsaturated pixels are never labelled with a saturated colour); every
8-connected component of >= 4 px of a colour is an object (same-colour scenes have two); the shape is the
nearest of the 8 shapes rendered at the same area and centroid. Each caption object takes the
found object of its colour nearest to where the caption puts it (each found object used once). Verdicts:
  all_right   every object found, right shape, right place (single: nearest of the 5 centres; pair: the
              named side/half; triple: nearest of the 3 centres of the row/column), sizes ordered when
              the caption sizes differ (the big one covers more pixels), background right
  relation    both objects found with the right shape, first object before the second along the axis by
              >= 2 px (above: smaller y; left of: smaller x)
  background  the border's median luminance < 0.5 exactly when the caption says dark
"""

import numpy as np

import render_v2 as R
import scenes as v1
import scenes_v2 as W
from checker import MIN_PIXELS, components, dilate


def _geometry():
    """Area per r^2 and centroid y offset per r of each shape, measured on a render at r = 5."""
    geo = {}
    r = 5.0
    for k, name in enumerate(W.SHAPES):
        cov = R.coverage(np.array([k]), np.array([16.0]), np.array([16.0]), np.array([r]))[0]
        yy = np.mgrid[0:W.SIZE, 0:W.SIZE][0] + 0.5
        geo[name] = (cov.sum() / r ** 2, ((cov * yy).sum() / cov.sum() - 16.0) / r)
    return geo


GEO = _geometry()


def classify_shape(alpha):
    A = alpha.sum()
    yy, xx = np.mgrid[0:alpha.shape[0], 0:alpha.shape[1]] + 0.5
    cx, cy = (alpha * xx).sum() / A, (alpha * yy).sum() / A
    err = {}
    for k, name in enumerate(W.SHAPES):
        area, dy = GEO[name]
        r = np.sqrt(A / area)
        tpl = R.coverage(np.array([k]), np.array([cx]), np.array([cy - dy * r]), np.array([r]))[0]
        err[name] = float(np.abs(tpl - alpha).sum() / A)
    return min(err, key=err.get)


def colour_labels(img):
    """As eval.colour_labels over the v2 palette."""
    rgb = np.clip((img + 1) / 2, 0, 1).transpose(1, 2, 0)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    bg = np.median(border, axis=0)
    d = W.PALETTE - bg  # (K, 3)
    usable = np.linalg.norm(d, axis=1) >= 0.25  # a colour that is (nearly) the background is never an object
    p = rgb - bg
    a = np.clip((p @ d.T) / (d * d).sum(1), 0, 1)
    resid = np.linalg.norm(p[:, :, None] - a[..., None] * d[None, None], axis=-1)
    resid[..., ~usable] = np.inf
    k = resid.argmin(-1)
    cov = np.take_along_axis(a, k[..., None], -1)[..., 0]
    pal_sat = W.PALETTE.max(1) - W.PALETTE.min(1) >= 0.15  # white and black are unsaturated colours
    pix_sat = rgb.max(-1) - rgb.min(-1) >= 0.15
    ok = (pix_sat | ~pal_sat[k]) & (resid.min(-1) <= 0.3) & (cov >= 0.5)
    return np.where(ok, k, -1), rgb, bg


def find_objects(img):
    """[dict(colour, shape, cx, cy, mask, n)] for every component of >= MIN_PIXELS px; background colour."""
    lab, rgb, bg = colour_labels(img)
    found = []
    for k, name in enumerate(W.COLOUR_NAMES):
        for ys, xs in components(lab == k):
            if len(ys) < MIN_PIXELS:
                break
            mask = np.zeros(lab.shape, dtype=bool)
            mask[ys, xs] = True
            dcol = W.PALETTE[k] - bg
            alpha = np.clip(((rgb - bg) @ dcol) / (dcol @ dcol), 0, 1) * dilate(mask)
            found.append(dict(colour=name, shape=classify_shape(alpha), cx=xs.mean() + 0.5, cy=ys.mean() + 0.5,
                              mask=mask, n=len(ys)))
    return found, bg


def expected_centre(scene, o):
    d = scene["objects"][o]
    if scene["form"] == "triple":
        return W.TRIPLE_CENTRES[d["position"]]
    if scene["form"] == "relation":
        return None
    return v1.CENTRES[d["position"]]


def in_place(scene, o, f):
    d = scene["objects"][o]
    cx, cy = f["cx"], f["cy"]
    if scene["form"] == "pair":
        return {"left": cx < 16, "right": cx > 16, "top": cy < 16, "bottom": cy > 16}[d["position"]]
    centres = W.TRIPLE_CENTRES if scene["form"] == "triple" else v1.CENTRES
    names = scene_positions(scene) if scene["form"] == "triple" else W.POSITIONS
    dist = {p: (cx - centres[p][0]) ** 2 + (cy - centres[p][1]) ** 2 for p in names}
    return min(dist, key=dist.get) == d["position"]


def scene_positions(scene):
    return [d["position"] for d in scene["objects"]]


def match(scene, found):
    """Caption object -> found object (or None): same colour; nearest to the expected centre, or for
    relations the right shape first, then the largest; each found object used once."""
    used, out = set(), []
    for o, d in enumerate(scene["objects"]):
        cands = [i for i, f in enumerate(found) if f["colour"] == d["colour"] and i not in used]
        if not cands:
            out.append(None)
            continue
        c = expected_centre(scene, o)
        if c is not None:
            key = lambda i: (found[i]["cx"] - c[0]) ** 2 + (found[i]["cy"] - c[1]) ** 2
        else:
            key = lambda i: (found[i]["shape"] != d["shape"], -found[i]["n"])
        best = min(cands, key=key)
        used.add(best)
        out.append(found[best])
    return out


def check(img, scene):
    found, bg = find_objects(img)
    m = match(scene, found)
    dark = float(bg.mean()) < 0.5
    res = dict(found=found, matched=m, background=dark == (scene["background"] == "dark"))
    shapes_ok = all(f is not None and f["shape"] == d["shape"] for f, d in zip(m, scene["objects"]))
    if scene["form"] == "relation":
        a, b = m
        ok = shapes_ok
        if ok:
            axis = "cy" if scene["relation"] in ("above", "below") else "cx"
            first_smaller = scene["relation"] in ("above", "left")
            gap = (b[axis] - a[axis]) if first_smaller else (a[axis] - b[axis])
            ok = gap >= 2.0
        res["relation"] = ok
        res["all_right"] = ok and res["background"]
        res["place"] = [ok, ok]
        return res
    res["place"] = [f is not None and in_place(scene, o, f) for o, f in enumerate(m)]
    sizes = [d.get("size") if d.get("size_word") else None for d in scene["objects"]]
    size_ok = True
    if len(m) == 2 and None not in sizes and sizes[0] != sizes[1] and None not in m:
        big = 0 if sizes[0] == "big" else 1
        size_ok = m[big]["n"] > m[1 - big]["n"]
    res["size"] = size_ok
    res["all_right"] = shapes_ok and all(res["place"]) and size_ok and res["background"]
    return res
