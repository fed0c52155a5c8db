"""
The procedural checker of world v1 (scenes.py): what a generated 32x32 image shows, read back from its
pixels, and whether that is what the caption says. eval.py scores generations with it.

Checker. Background = median of the border pixels; a pixel belongs to the palette colour whose
background->colour segment it lies nearest to (within 0.3, RGB in [0, 1]) when it covers at least half
of the pixel (a >= 0.5, as scenes.py defines masks; the TypeScript checker does the same). A named
object = the largest 8-connected component of its colour's pixels (>= 4 px). Shape: the object's soft coverage (projection of
pixel - background on colour - background, within one pixel of the component) is compared with a circle,
a square and a triangle of the same area and centroid, rendered like the training world; the nearest (L1)
wins. Position from the centroid: single objects -> nearest of the 5 centres; in
two-object prompts the named side or half (x or y against 16).
"""

import numpy as np

import scenes

MIN_PIXELS = 4


def components(mask):
    """8-connected components of a bool (H, W) mask -> list of index arrays (ys, xs), largest first.
    (8-connected: an antialiased diagonal edge keeps a thin shape in one piece.)"""
    H, W = mask.shape
    seen = np.zeros_like(mask)
    comps = []
    for y0, x0 in zip(*np.nonzero(mask)):
        if seen[y0, x0]:
            continue
        stack, ys, xs = [(y0, x0)], [], []
        seen[y0, x0] = True
        while stack:
            y, x = stack.pop()
            ys.append(y)
            xs.append(x)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < H and 0 <= nx < W and mask[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        stack.append((ny, nx))
        comps.append((np.array(ys), np.array(xs)))
    comps.sort(key=lambda c: -len(c[0]))
    return comps


def colour_labels(img):
    """img float (3, H, W) in [-1, 1] -> (labels int (H, W): palette index per pixel, -1 for background or
    unclear; rgb (H, W, 3) in [0, 1]; background colour (3,)).
    A pixel is a blend a*colour + (1-a)*background (shapes are antialiased): project it on the segment
    from the background to each palette colour, take the colour it lies closest to (residual <= 0.3), and
    label it when its coverage a >= 0.5 -- the definition of an object's mask in scenes.py, so a clean
    render's labels give back its true masks. Mirrors src/scoring/segment.ts."""
    rgb = np.clip((img + 1) / 2, 0, 1).transpose(1, 2, 0)  # (H, W, 3)
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])  # (4W, 3)
    bg = np.median(border, axis=0)
    d = scenes.PALETTE - bg  # (6, 3) background -> colour
    p = rgb - bg  # (H, W, 3)
    a = np.clip((p @ d.T) / (d * d).sum(1), 0, 1)  # (H, W, 6) coverage of each colour
    resid = np.linalg.norm(p[:, :, None] - a[..., None] * d[None, None], axis=-1)  # (H, W, 6)
    k = resid.argmin(-1)
    cov = np.take_along_axis(a, k[..., None], -1)[..., 0]
    saturated = rgb.max(-1) - rgb.min(-1) >= 0.15  # greys and the background are never an object
    ok = saturated & (resid.min(-1) <= 0.3) & (cov >= 0.5)
    return np.where(ok, k, -1), rgb, bg


def dilate(mask):
    m = mask.copy()
    m[1:] |= mask[:-1]
    m[:-1] |= mask[1:]
    m[:, 1:] |= mask[:, :-1]
    m[:, :-1] |= mask[:, 1:]
    return m


def classify_shape(alpha):
    """alpha (H, W): soft coverage of one object. Fit each shape of the same area at the same centroid
    (rendered like the training world) and return the best match by L1 distance, with the scores."""
    A = alpha.sum()
    H, W = alpha.shape
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    cx, cy = (alpha * xx).sum() / A, (alpha * yy).sum() / A
    # area of each shape as a function of r (see scenes.inside) and its centroid offset in y
    geo = {"circle": (np.pi, 0.0), "square": (4 * 0.88 ** 2, 0.0), "triangle": (2 * 1.1 ** 2, 1.1 / 3)}
    err = {}
    for k, name in enumerate(scenes.SHAPES):
        area_per_r2, dy = geo[name]
        r = np.sqrt(A / area_per_r2)
        tpl = scenes.coverage(np.array([k]), np.array([cx]), np.array([cy - dy * r]), np.array([r]))[0]
        err[name] = float(np.abs(tpl - alpha).sum() / A)
    return min(err, key=err.get), err


def find_objects(img):
    """{colour name: dict(shape, cx, cy, mask (H, W) bool, n)} for every palette colour present."""
    lab, rgb, bg = colour_labels(img)
    found = {}
    for k, name in enumerate(scenes.COLOUR_NAMES):
        comps = components(lab == k)
        if not comps or len(comps[0][0]) < MIN_PIXELS:
            continue
        ys, xs = comps[0]
        mask = np.zeros(lab.shape, dtype=bool)
        mask[ys, xs] = True
        # soft coverage: projection of (pixel - bg) on (colour - bg), near the component only
        col = scenes.PALETTE[k]
        dcol = col - bg
        alpha = np.clip(((rgb - bg) @ dcol) / (dcol @ dcol), 0, 1) * dilate(mask)  # (H, W)
        shape, _ = classify_shape(alpha)
        found[name] = dict(shape=shape, cx=xs.mean() + 0.5, cy=ys.mean() + 0.5, mask=mask, n=len(ys))
    return found


def on_position(obj, position, two):
    """Is a found object where the caption says? Two-object prompts: the named side/half."""
    cx, cy = obj["cx"], obj["cy"]
    if two:
        return {"left": cx < 16, "right": cx > 16, "top": cy < 16, "bottom": cy > 16}[position]
    d = {p: (cx - x) ** 2 + (cy - y) ** 2 for p, (x, y) in scenes.CENTRES.items()}
    return min(d, key=d.get) == position


def check(img, objs):
    """Per-prompt verdicts for one generated image and the caption's objects."""
    found = find_objects(img)
    two = len(objs) == 2
    per = []
    for o in objs:
        f = found.get(o["colour"])
        per.append(dict(found=f is not None, shape=f is not None and f["shape"] == o["shape"],
                        place=f is not None and on_position(f, o["position"], two), obj=f))
    res = dict(per=per, all_right=all(p["found"] and p["shape"] and p["place"] for p in per))
    if two and objs[0]["shape"] != objs[1]["shape"]:
        res["binding"] = all(p["found"] and p["shape"] for p in per)
    return res
