"""
World v2: a superset of the v1 scenes world (scenes.py). Every v1 caption is a v2 caption with the same
meaning (one object, or two at opposite positions, on a light background); v2 adds

    shapes      diamond, ring, cross, heart, star                  (8 in all)
    colours     pink, cyan, brown, white, black                     (11 in all; white is drawn only on a
                                                                     dark background, black only on a light one)
    triples     "A on the left, B in the center and C on the right" / "A at the top, B in the center and
                C at the bottom" (drawn at 0.8x scale so that three big objects fit side by side)
    relations   "A above B" / "A below B" / "A to the left of B" / "A to the right of B"; objects carry no
                position phrase: the scene places them anywhere that satisfies the relation
    background  "... on a dark background" / "... on a light background" (no phrase = light, as in v1)

Grammar (GRAMMAR_SPEC is the machine-readable form written into the manifest):
    scene    := body [" on a " ("dark" | "light") " background"]
    body     := object | object " and " object | object ", " object " and " object | bare rel bare
    object   := article [size] colour shape position        (v1 phrase)
    bare     := article [size] colour shape                  (relations only)
    rel      := "above" | "below" | "to the left of" | "to the right of"

Masks are exact as in v1: an object's mask is its visible antialiased coverage >= 0.5 (later objects cover
earlier ones); a background word's region is every pixel no object covers; a position word's region is the
cell of the layout it names; a relation word's region is the union of the two objects it relates.
"""

import numpy as np

import scenes as v1
from scenes import split_words, article  # noqa: F401  (same tokenizer rules as v1)

SIZE = v1.SIZE
SS = v1.SS
MAX_TOKENS = 28  # longest caption: three sized objects + background = 27 words + <s>

COLOURS = dict(v1.COLOURS)
COLOURS.update({
    "pink": (0.97, 0.47, 0.70),
    "cyan": (0.08, 0.78, 0.84),
    "brown": (0.50, 0.29, 0.10),
    "white": (0.98, 0.98, 0.98),
    "black": (0.04, 0.04, 0.04),
})
COLOUR_NAMES = list(COLOURS)
PALETTE = np.array([COLOURS[c] for c in COLOUR_NAMES], dtype=np.float32)  # (11, 3)
COLOUR_BACKGROUND = {"white": "dark", "black": "light"}  # colours visible on one background only
SHAPES = list(v1.SHAPES) + ["diamond", "ring", "cross", "heart", "star"]
SIZES = list(v1.SIZES)
RADIUS = dict(v1.RADIUS)
POSITIONS = list(v1.POSITIONS)
PHRASE = dict(v1.PHRASE)
PAIRS = list(v1.PAIRS)
TRIPLES = [("left", "center", "right"), ("top", "center", "bottom")]
TRIPLE_SCALE = 0.8  # objects of three-object scenes are drawn at 0.8x (three big ones fit in a row)
TRIPLE_CENTRES = {"left": (5.5, 16), "right": (26.5, 16), "top": (16, 5.5), "bottom": (16, 26.5),
                  "center": (16, 16)}
TRIPLE_JITTER = 0.75
RELATIONS = ["above", "below", "left", "right"]  # "A above B" etc.; left = "to the left of"
RELATION_PHRASE = {"above": "above", "below": "below", "left": "to the left of", "right": "to the right of"}
BACKGROUNDS = ["light", "dark"]
BG_RANGE = {"light": (0.82, 0.97), "dark": (0.06, 0.18)}

# Held out of training (compositional test set). v1's nine (colour, shape, position) triples stay held out
# in every scene with positions (single, pair, triple); new ones cover the new colours and shapes; in
# relations a (colour, shape, role) with role "first"/"second" of a vertical/horizontal relation; and
# (colour, shape, background) pairs never drawn on that background.
HELD_OUT = list(v1.HELD_OUT) + [
    ("pink", "diamond", "left"),
    ("cyan", "heart", "right"),
    ("brown", "ring", "top"),
    ("white", "cross", "bottom"),
    ("black", "star", "center"),
    ("green", "heart", "center"),
    ("yellow", "ring", "left"),
    ("blue", "star", "right"),
]
HELD_OUT_SET = set(HELD_OUT)
HELD_OUT_REL = {("pink", "cross", "above"), ("orange", "diamond", "below"), ("cyan", "square", "left"),
                ("purple", "heart", "right")}  # (colour, shape, relation) of the FIRST object
HELD_OUT_BG = {("red", "ring", "dark"), ("yellow", "star", "dark"), ("blue", "heart", "light")}

WORDS = sorted({"a", "an", "and", "on", "at", "in", "the", "to", "of", "dark", "light", "background",
                "above", "below", *COLOURS, *SHAPES, *SIZES, *POSITIONS})
VOCAB = ["<pad>", "<s>", "<unk>"] + WORDS
STOI = {w: i for i, w in enumerate(VOCAB)}
PAD, BOS, UNK = 0, 1, 2
WORD_KINDS = ["other", "colour", "shape", "size", "position", "relation", "background"]

GRAMMAR = (
    "32x32 RGB scenes of one to three flat antialiased shapes on a light (default) or dark background. "
    "Object phrase: article, optional size (small/big), colour (" + ", ".join(COLOUR_NAMES) + "; white only "
    "on a dark background, black only on a light one), shape (" + ", ".join(SHAPES) + "), position "
    "('on the left', 'on the right', 'at the top', 'at the bottom', 'in the center'). Scenes: one object; "
    "two joined by 'and' at opposite positions; three as 'A on the left, B in the center and C on the right' "
    "or 'A at the top, B in the center and C at the bottom' (drawn at 0.8x); a relation 'A above B', "
    "'A below B', 'A to the left of B', 'A to the right of B' between two objects without positions (the "
    "scene places them); any of these may end with 'on a dark background' or 'on a light background'. "
    "Held-out (colour, shape, position), (colour, shape, relation) and (colour, shape, background) "
    "combinations never appear in training (heldOut)."
)

GRAMMAR_SPEC = {  # what the runtime checks a prompt against before generating (manifest: grammarSpec)
    "version": 2,
    "colours": COLOUR_NAMES,
    "shapes": SHAPES,
    "sizes": SIZES,
    "positions": PHRASE,
    "pairs": [list(p) for p in PAIRS],
    "triples": [list(t) for t in TRIPLES],
    "relations": RELATION_PHRASE,
    "backgrounds": BACKGROUNDS,
    "colourBackground": COLOUR_BACKGROUND,
    "maxObjects": 3,
}


def tokenize(text, max_tokens=MAX_TOKENS, report=None):
    words = split_words(text)
    ids = [BOS] + [STOI.get(w, UNK) for w in words]
    if report is not None:
        report["unknown"] = [w for w in words if w not in STOI]
        report["truncated"] = words[max_tokens - 1:]
    ids = ids[:max_tokens]
    return ids + [PAD] * (max_tokens - len(ids))


def tokenize_batch(texts, max_tokens=MAX_TOKENS):
    return np.array([tokenize(t, max_tokens) for t in texts], dtype=np.int64)


def text_scope_ids():
    """Token ids the v2 text encoder's phrase rule needs (ModelConfig.scope_ids)."""
    return dict(and_id=STOI["and"], article_ids=(STOI["a"], STOI["an"]), on_id=STOI["on"],
                relation_ids=(STOI["above"], STOI["below"], STOI["to"]))


# -----------------------------------------------------------------------------
# shapes

WIN = 16
_sub = (np.arange(WIN * SS, dtype=np.float32) + 0.5) / SS
_GX, _GY = np.meshgrid(_sub, _sub)


def _inside(name, dx, dy, rr):
    """Boolean coverage of one shape kind; dx, dy (b, 64, 64) from the centre, rr (b, 1, 1) half-extent."""
    if name in ("circle", "square", "triangle"):
        if name == "circle":
            return dx * dx + dy * dy <= rr * rr
        if name == "square":
            s = rr * 0.88
            return (np.abs(dx) <= s) & (np.abs(dy) <= s)
        h = 1.1 * rr
        return (dy <= h) & (np.abs(dx) <= (dy + h) * 0.5)
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
    B = cx.shape[0]
    win = np.zeros((B, WIN * SS, WIN * SS), dtype=bool)
    for k, name in enumerate(SHAPES):
        sel = np.nonzero(shape_idx == k)[0]
        if len(sel) == 0:
            continue
        dx = _GX[None] - (cx[sel] - np.floor(cx[sel]) + WIN // 2)[:, None, None]
        dy = _GY[None] - (cy[sel] - np.floor(cy[sel]) + WIN // 2)[:, None, None]
        win[sel] = _inside(name, dx, dy, r[sel, None, None])
    win = win.reshape(B, WIN, SS, WIN, SS).mean(axis=(2, 4), dtype=np.float32)
    pad = WIN
    canvas = np.zeros((B, SIZE + 2 * pad, SIZE + 2 * pad), dtype=np.float32)
    x0 = np.floor(cx).astype(np.int64) - WIN // 2 + pad
    y0 = np.floor(cy).astype(np.int64) - WIN // 2 + pad
    iy = y0[:, None, None] + np.arange(WIN)[None, :, None]
    ix = x0[:, None, None] + np.arange(WIN)[None, None, :]
    canvas[np.arange(B)[:, None, None], iy, ix] = win
    return canvas[:, pad:pad + SIZE, pad:pad + SIZE]


# -----------------------------------------------------------------------------
# scenes as dicts: {"form": single|pair|triple|relation, "objects": [dict(colour, shape, size, size_word,
# position)], "relation": None|above|below|left|right, "background": light|dark, "bg_word": bool}

def caption_words(scene):
    """[(word, kind, tag)]: kind in WORD_KINDS (+ "function"/"article"), tag = object index, "bg" or None."""
    words = []
    objs = scene["objects"]
    for o, d in enumerate(objs):
        if scene["form"] == "triple" and o == 2:
            words.append(("and", "function", None))
        elif o > 0 and scene["form"] == "pair":
            words.append(("and", "function", None))
        if o == 1 and scene["form"] == "relation":
            for w in RELATION_PHRASE[scene["relation"]].split():
                words.append((w, "relation" if w in RELATIONS else "function", None))
        sw = d["size"] if d.get("size_word", True) and d.get("size") else None
        first = sw if sw else d["colour"]
        words.append((article(first), "article", o))
        if sw:
            words.append((sw, "size", o))
        words.append((d["colour"], "colour", o))
        words.append((d["shape"], "shape", o))
        if scene["form"] != "relation":
            for w in PHRASE[d["position"]].split():
                words.append((w, "position" if w == d["position"] else "function", o))
    if scene.get("bg_word"):
        words += [("on", "function", "bg"), ("a", "article", "bg"), (scene["background"], "background", "bg"),
                  ("background", "background", "bg")]
    return words


def caption_of(scene):
    """The caption; three-object scenes write a comma after the first object (the tokenizer drops it)."""
    words = caption_words(scene)
    out = []
    for i, (w, kind, tag) in enumerate(words):
        out.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if scene["form"] == "triple" and nxt is not None and nxt[2] == 1 and tag == 0:
            out[-1] += ","
    return " ".join(out)


def _cell(form, position):
    """The image region (32, 32) bool a position word names in a scene of this form."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    third = SIZE / 3
    if form == "triple":
        return {"left": xx < third, "right": xx >= 2 * third, "top": yy < third, "bottom": yy >= 2 * third,
                "center": None}[position]
    half = SIZE // 2
    return {"left": xx < half, "right": xx >= half, "top": yy < half, "bottom": yy >= half,
            "center": (abs(xx - 15.5) < 8) & (abs(yy - 15.5) < 8)}[position]


def _triple_center_cell(axis):
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
                m = _cell(sc["form"], w)
                if m is None:
                    m = _triple_center_cell("row" if sc["objects"][0]["position"] == "left" else "col")
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


# -----------------------------------------------------------------------------
# sampling training scenes

FORM_P = {"single": 0.15, "pair": 0.30, "triple": 0.25, "relation": 0.30}


def allowed(colour, shape, background, position=None, relation=None, first=False):
    """Whether an object may occur in training (not held out, visible on its background)."""
    if COLOUR_BACKGROUND.get(colour, background) != background:
        return False
    if (colour, shape, background) in HELD_OUT_BG:
        return False
    if position is not None and (colour, shape, position) in HELD_OUT_SET:
        return False
    if relation is not None and first and (colour, shape, relation) in HELD_OUT_REL:
        return False
    return True


def sample_scene(rng, form=None, p_dark=0.35, p_light_word=0.3, p_same_colour=0.25, p_size_word=2 / 3):
    """One random training scene (held-out combinations excluded)."""
    if form is None:
        form = list(FORM_P)[rng.choice(len(FORM_P), p=list(FORM_P.values()))]
    background = "dark" if rng.random() < p_dark else "light"
    bg_word = background == "dark" or rng.random() < p_light_word
    relation = None
    if form == "single":
        positions = [POSITIONS[rng.integers(len(POSITIONS))]]
    elif form == "pair":
        positions = list(PAIRS[rng.integers(len(PAIRS))])
    elif form == "triple":
        positions = list(TRIPLES[rng.integers(len(TRIPLES))])
    else:
        relation = RELATIONS[rng.integers(len(RELATIONS))]
        positions = [None, None]
    objs, used = [], set()
    for k, pos in enumerate(positions):
        same_ok = rng.random() < p_same_colour
        for _ in range(100):
            c = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
            s = SHAPES[rng.integers(len(SHAPES))]
            if (c in used and not same_ok) or not allowed(c, s, background, pos, relation, first=k == 0):
                continue
            break
        used.add(c)
        objs.append(dict(colour=c, shape=s, size=SIZES[rng.integers(2)], size_word=bool(rng.random() < p_size_word),
                         position=pos))
    return dict(form=form, objects=objs, relation=relation, background=background, bg_word=bool(bg_word))


def sample_batch(B, rng, **kw):
    return render([sample_scene(rng, **kw) for _ in range(B)], rng)


# -----------------------------------------------------------------------------
# parsing (inverse of the grammar, for eval and tests)

def parse_caption(text):
    """Caption -> scene dict (sizes None when not said), or None if it is not in the v2 grammar."""
    words = split_words(text)
    background, bg_word = "light", False
    if len(words) >= 4 and words[-1] == "background" and words[-4:-2] == ["on", "a"] and words[-2] in BACKGROUNDS:
        background, bg_word, words = words[-2], True, words[:-4]
    rel = None
    for r, ph in RELATION_PHRASE.items():
        p = ph.split()
        for i in range(len(words) - len(p) + 1):
            if words[i:i + len(p)] == p:
                rel, cut = r, (i, i + len(p))
                break
        if rel:
            break

    def obj(ws, need_pos):
        d = dict(colour=None, shape=None, size=None, size_word=False, position=None)
        for w in ws:
            for key, vocab in (("colour", COLOURS), ("shape", SHAPES), ("size", SIZES), ("position", POSITIONS)):
                if w in vocab:
                    if d[key] is not None:
                        return None
                    d[key] = w
        d["size_word"] = d["size"] is not None
        if d["colour"] is None or d["shape"] is None or (d["position"] is None) == need_pos:
            return None
        return d

    if rel is not None:
        a, b = obj(words[:cut[0]], False), obj(words[cut[1]:], False)
        if a is None or b is None:
            return None
        return dict(form="relation", objects=[a, b], relation=rel, background=background, bg_word=bg_word)
    parts, cur = [], []
    for w in words:
        if w == "and":
            parts.append(cur)
            cur = []
        else:
            cur.append(w)
    parts.append(cur)
    if len(parts) == 2:  # "A, B and C" (comma dropped): split the first part after its position word
        first = parts[0]
        ends = [i for i, w in enumerate(first) if w in POSITIONS]
        if len(ends) == 2:
            parts = [first[:ends[0] + 1], first[ends[0] + 1:], parts[1]]
    objs = [obj(p, True) for p in parts]
    if any(o is None for o in objs):
        return None
    form = {1: "single", 2: "pair", 3: "triple"}.get(len(objs))
    return dict(form=form, objects=objs, relation=None, background=background, bg_word=bg_word)
