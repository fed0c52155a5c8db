"""
Drawing world v2's scenes (scene dicts from scenes_v2.py) into training batches: the eight shapes, where
objects go (v1's positions, the three-object rows, free placement under a relation), the layout cell a
position word names, and the Batch with per-word masks. Drawn like v1 (raster.py): same supersampling,
same v1 shapes, later objects cover earlier ones.
"""

import numpy as np

import raster
import scenes as v1
from scenes_v2 import (BG_RANGE, COLOUR_NAMES, MAX_TOKENS, PALETTE, RADIUS, SHAPES, SIZE, TRIPLE_CENTRES,
                       TRIPLE_JITTER, TRIPLE_SCALE, WORD_KINDS, caption_of, caption_words, sample_scene,
                       tokenize_batch)


# -----------------------------------------------------------------------------
# shapes

def inside(name, dx, dy, rr):
    """Boolean coverage of one shape kind (raster.coverage); dx, dy (b, 64, 64) subpixel offsets from the
    centre, rr (b, 1, 1) the half-extent. The three v1 shapes are drawn exactly as in v1."""
    if name in v1.SHAPES:
        return v1.inside(name, dx, dy, rr)
    if name == "diamond":  # a square on its tip, a little taller than wide
        return np.abs(dx) / (1.0 * rr) + np.abs(dy) / (1.2 * rr) <= 1
    if name == "ring":  # hole of 0.5 r: at the small size 1.8 px of ring around a 3.6 px hole
        d2 = dx * dx + dy * dy
        return (d2 <= (1.05 * rr) ** 2) & (d2 >= (0.5 * rr) ** 2)
    if name == "cross":  # a plus sign, arms 0.7 r wide
        a, w = 1.05 * rr, 0.36 * rr
        return ((np.abs(dx) <= w) & (np.abs(dy) <= a)) | ((np.abs(dy) <= w) & (np.abs(dx) <= a))
    if name == "heart":  # the implicit heart curve (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0, point down
        s = rr / 1.05
        u, v = dx / s, -dy / s + 0.15
        return (u * u + v * v - 1) ** 3 - u * u * v ** 3 <= 0
    if name == "star":  # five points, outer radius 1.3 r, inner 0.5 of that
        R = 1.3 * rr
        rho = 0.5 * R
        ang = np.arctan2(dx, -(dy + 0.1 * rr))  # 0 = straight up
        rad = np.sqrt(dx * dx + (dy + 0.1 * rr) ** 2)
        seg = 2 * np.pi / 5
        phi = np.abs(np.mod(ang, seg) - seg / 2)  # 0 at an inner vertex, seg/2 at an outer one
        phi = seg / 2 - phi  # 0 at an outer vertex
        # edge from the outer vertex (R, 0) to the inner one (rho, 36 deg), in polar coordinates
        x1, y1 = R, np.zeros_like(R)
        x2, y2 = rho * np.cos(seg / 2), rho * np.sin(seg / 2)
        px, py = rad * np.cos(phi), rad * np.sin(phi)
        cross = (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1)
        return cross >= 0
    raise ValueError(name)


def coverage(shape_idx, cx, cy, r):
    """Antialiased coverage (B, 32, 32) in [0, 1]; as scenes.coverage with the v2 shapes."""
    return raster.coverage(shape_idx, cx, cy, r, SHAPES, inside)


# -----------------------------------------------------------------------------
# layout

def cell(form, position):
    """The image region (32, 32) bool a position word names in a scene of this form."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    third = SIZE / 3
    if form == "triple":
        return {"left": xx < third, "right": xx >= 2 * third, "top": yy < third, "bottom": yy >= 2 * third,
                "center": None}[position]
    half = SIZE // 2
    return {"left": xx < half, "right": xx >= half, "top": yy < half, "bottom": yy >= half,
            "center": (abs(xx - 15.5) < 8) & (abs(yy - 15.5) < 8)}[position]


def triple_center_cell(axis):
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    c = xx if axis == "row" else yy
    return (c >= SIZE / 3) & (c < 2 * SIZE / 3)


class Batch:
    """image (B, 3, 32, 32) in [-1, 1]; captions; input_ids (B, T); scenes (list of dicts);
    obj_mask bool (B, 3, 32, 32) visible coverage >= 0.5; bg_mask bool (B, 32, 32) no object there;
    word_kind (B, T) index into WORD_KINDS; word_obj (B, T) object a token belongs to (-1 none)."""

    def word_masks(self, i, kinds=("colour", "shape", "size", "position", "relation", "background")):
        """{token index: (kind, bool mask (32, 32))}: the region each word describes. Colour, shape and size
        words: their object; position words: the layout cell they name; relation words: the union of
        the two objects; background words: every pixel no object covers."""
        sc = self.scenes[i]
        out = {}
        for t, (w, kind, tag) in enumerate(caption_words(sc)[:MAX_TOKENS - 1]):
            if kind not in kinds:
                continue
            if kind in ("colour", "shape", "size"):
                m = self.obj_mask[i, tag]
            elif kind == "position":
                m = cell(sc["form"], w)
                if m is None:
                    m = triple_center_cell("row" if sc["objects"][0]["position"] == "left" else "col")
            elif kind == "relation":
                m = self.obj_mask[i, 0] | self.obj_mask[i, 1]
            else:
                m = self.bg_mask[i]
            out[t + 1] = (kind, m)
        return out


def _place(scene, rng):
    """Centre (cx, cy) and radius per object of a scene."""
    out = []
    objs = scene["objects"]
    radii = [RADIUS[d["size"]] * rng.uniform(0.95, 1.05) for d in objs]
    if scene["form"] in ("single", "pair"):
        for d, r in zip(objs, radii):
            cx, cy = v1.CENTRES[d["position"]]
            out.append((cx + rng.uniform(-v1.JITTER_PX, v1.JITTER_PX), cy + rng.uniform(-v1.JITTER_PX, v1.JITTER_PX), r))
    elif scene["form"] == "triple":
        for d, r in zip(objs, radii):
            cx, cy = TRIPLE_CENTRES[d["position"]]
            out.append((cx + rng.uniform(-TRIPLE_JITTER, TRIPLE_JITTER),
                        cy + rng.uniform(-TRIPLE_JITTER, TRIPLE_JITTER), r * TRIPLE_SCALE))
    else:  # relation: the first object before the second along the axis, free across it
        e = [1.1 * r for r in radii]
        sep = e[0] + e[1] + 1.0
        lo, hi = e[0] + 0.5, SIZE - e[1] - 0.5  # first object's low edge, second's high edge
        a = rng.uniform(lo, max(lo, hi - sep))
        b = rng.uniform(min(a + sep, hi), hi)
        if scene["relation"] in ("below", "right"):  # the first object is the later one along the axis
            a, b = SIZE - a, SIZE - b
        across = [rng.uniform(ei + 0.5, SIZE - ei - 0.5) for ei in e]
        vertical = scene["relation"] in ("above", "below")
        for k, r in enumerate(radii):
            along = a if k == 0 else b
            out.append((across[k], along, r) if vertical else (along, across[k], r))
    return out


def render(scenes_list, rng):
    """Render a list of scene dicts into a Batch."""
    B = len(scenes_list)
    bg = np.array([rng.uniform(*BG_RANGE[s["background"]]) for s in scenes_list], dtype=np.float32)
    bg = bg[:, None] + rng.uniform(-0.02, 0.02, size=(B, 3))
    img = np.broadcast_to(bg[:, :, None, None], (B, 3, SIZE, SIZE)).astype(np.float32).copy()
    covs = np.zeros((B, 3, SIZE, SIZE), dtype=np.float32)
    places = [_place(s, rng) for s in scenes_list]
    for o in range(3):
        present = np.array([len(s["objects"]) > o for s in scenes_list])
        if not present.any():
            break
        get = lambda f, d: np.array([f(s, p) if len(s["objects"]) > o else d for s, p in zip(scenes_list, places)])
        shp = get(lambda s, p: SHAPES.index(s["objects"][o]["shape"]), 0)
        cx = get(lambda s, p: p[o][0], 16.0).astype(np.float32)
        cy = get(lambda s, p: p[o][1], 16.0).astype(np.float32)
        r = get(lambda s, p: p[o][2], 1.0).astype(np.float32)
        col = PALETTE[get(lambda s, p: COLOUR_NAMES.index(s["objects"][o]["colour"]), 0)]
        col = np.clip(col + rng.uniform(-0.04, 0.04, size=(B, 3)), 0, 1).astype(np.float32)
        cov = coverage(shp, cx, cy, r) * present[:, None, None]
        img = img * (1 - cov[:, None]) + col[:, :, None, None] * cov[:, None]
        for k in range(o):
            covs[:, k] *= (1 - cov)
        covs[:, o] = cov
    b = Batch()
    b.image = (img * 2 - 1).astype(np.float32)
    b.scenes = scenes_list
    b.obj_mask = covs >= 0.5
    b.bg_mask = ~b.obj_mask.any(axis=1)  # every pixel no object mask claims
    b.captions = [caption_of(s) for s in scenes_list]
    b.input_ids = tokenize_batch(b.captions)
    b.word_kind = np.zeros((B, MAX_TOKENS), dtype=np.int64)
    b.word_obj = np.full((B, MAX_TOKENS), -1)
    for i, s in enumerate(scenes_list):
        for t, (w, kind, tag) in enumerate(caption_words(s)[:MAX_TOKENS - 1]):
            if kind in WORD_KINDS:
                b.word_kind[i, t + 1] = WORD_KINDS.index(kind)
            if isinstance(tag, int):
                b.word_obj[i, t + 1] = tag
    return b


def sample_batch(B, rng, **kw):
    """B random training scenes (scenes_v2.sample_scene, held-out combinations excluded) as a Batch."""
    return render([sample_scene(rng, **kw) for _ in range(B)], rng)
