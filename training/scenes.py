"""
The procedural scenes world: 32x32 RGB pictures of one or two flat shapes on a light background,
with English captions and, for every word that names an object, that object's pixel mask.

Grammar (also written into the model manifest, see GRAMMAR):
    scene   := object                                  (single object, any of the 5 positions)
             | object "and" object                     (two objects at opposite positions:
                                                        left/right or top/bottom, either order)
    object  := article [size] colour shape position    (size word left out 1/3 of the time)
    article := "a" | "an"                              (English: "an" before a vowel sound)
    size    := "small" | "big"
    colour  := red | green | blue | yellow | purple | orange
    shape   := circle | square | triangle
    position:= "on the left" | "on the right" | "at the top" | "at the bottom" | "in the center"

Everything is vectorised over the batch with numpy, so data generation costs a few ms per batch.
"""

import numpy as np

import raster
from raster import SIZE, SS  # noqa: F401  (image side 32 px, 4x4 supersampling; both worlds draw alike)
from tokenizer import BOS, PAD, UNK, encode, split_words  # noqa: F401  (same rules in both worlds)

# -----------------------------------------------------------------------------
# the world's constants

MAX_TOKENS = 20  # tokenizer length incl. the start token

COLOURS = {  # fixed palette, RGB in [0, 1]; each sample jitters it by a little
    "red": (0.86, 0.14, 0.14),
    "green": (0.13, 0.63, 0.22),
    "blue": (0.15, 0.30, 0.88),
    "yellow": (0.96, 0.84, 0.10),
    "purple": (0.55, 0.20, 0.75),
    "orange": (0.98, 0.52, 0.06),
}
COLOUR_NAMES = list(COLOURS)
PALETTE = np.array([COLOURS[c] for c in COLOUR_NAMES], dtype=np.float32)  # (6, 3)
SHAPES = ["circle", "square", "triangle"]
SIZES = ["small", "big"]
RADIUS = {"small": 3.6, "big": 6.2}  # half-extent of a shape in pixels
POSITIONS = ["left", "right", "top", "bottom", "center"]
CENTRES = {"left": (8, 16), "right": (24, 16), "top": (16, 8), "bottom": (16, 24), "center": (16, 16)}  # (x, y)
PHRASE = {"left": "on the left", "right": "on the right", "top": "at the top", "bottom": "at the bottom",
          "center": "in the center"}
PAIRS = [("left", "right"), ("right", "left"), ("top", "bottom"), ("bottom", "top")]
JITTER_PX = 2.0  # object centres jitter uniformly by +-2 px

# (colour, shape, position) triples that never appear in a training caption: compositional test set.
# One per colour at least, every shape three times, every position at least once.
HELD_OUT = [
    ("red", "triangle", "right"),
    ("green", "square", "left"),
    ("blue", "circle", "top"),
    ("yellow", "triangle", "bottom"),
    ("purple", "square", "center"),
    ("orange", "circle", "left"),
    ("red", "square", "bottom"),
    ("blue", "triangle", "center"),
    ("purple", "circle", "right"),
]
HELD_OUT_SET = set(HELD_OUT)

GRAMMAR = (
    "32x32 RGB scenes of one or two flat antialiased shapes on a plain light neutral background. "
    "Caption of one object: article ('a'/'an' following English), optional size ('small'/'big', left out "
    "1/3 of the time), colour (red, green, blue, yellow, purple, orange), shape (circle, square, "
    "triangle), position ('on the left', 'on the right', 'at the top', 'at the bottom', 'in the center'; "
    "centres at x=8/24, y=8/24 or (16,16), jittered +-2 px). Two-object scenes (80% of training) join "
    "two such phrases with 'and'; their objects sit at opposite positions (left/right or top/bottom, "
    "either order, caption order = object order) and have different colours. Nine "
    "(colour, shape, position) triples never appear in training (heldOut)."
)

GRAMMAR_SPEC = {  # the grammar in machine-readable form (manifest: grammarSpec); the runtime checks prompts
    "version": 1,  # against it before generating (scenes_v2.GRAMMAR_SPEC is the v2 world's)
    "colours": COLOUR_NAMES,
    "shapes": SHAPES,
    "sizes": SIZES,
    "positions": PHRASE,
    "pairs": [list(p) for p in PAIRS],
    "triples": [],
    "relations": {},
    "backgrounds": [],
    "colourBackground": {},
    "maxObjects": 2,
}

# -----------------------------------------------------------------------------
# tokenizer (word level; the TypeScript runtime implements exactly the same rules)

WORDS = sorted({"a", "an", "and", "on", "at", "in", "the", *COLOURS, *SHAPES, *SIZES, *POSITIONS})
VOCAB = ["<pad>", "<s>", "<unk>"] + WORDS
STOI = {w: i for i, w in enumerate(VOCAB)}
AND = STOI["and"]


def tokenize(text, max_tokens=MAX_TOKENS, report=None):
    """[<s>] + word ids + <pad>... (max_tokens ids); see tokenizer.encode for report."""
    return encode(text, STOI, max_tokens, report)


def tokenize_batch(texts, max_tokens=MAX_TOKENS):
    return np.array([tokenize(t, max_tokens) for t in texts], dtype=np.int64)  # (B, T)


# -----------------------------------------------------------------------------
# captions

def article(word):
    return "an" if word[0] in "aeiou" else "a"


def phrase(colour, shape, position, size_word):
    """One object's phrase as a list of (word, kind) with kind in article/size/colour/shape/pos-fn/position."""
    words = []
    first = size_word if size_word else colour
    words.append((article(first), "article"))
    if size_word:
        words.append((size_word, "size"))
    words.append((colour, "colour"))
    words.append((shape, "shape"))
    for w in PHRASE[position].split():
        words.append((w, "position" if w == position else "function"))
    return words


WORD_KINDS = ["other", "colour", "shape", "size", "position"]  # ids used in Batch.word_kind


# -----------------------------------------------------------------------------
# rendering

def inside(name, dx, dy, rr):
    """Boolean coverage of one shape kind (raster.coverage); dx, dy (b, 64, 64) subpixel offsets from the
    centre, rr (b, 1, 1) the half-extent."""
    if name == "circle":
        return dx * dx + dy * dy <= rr * rr
    if name == "square":  # half side 0.88 r: area close to the circle's
        s = rr * 0.88
        return (np.abs(dx) <= s) & (np.abs(dy) <= s)
    # upright isosceles triangle: apex (0, -h), base corners (+-h, +h) around the centre
    h = 1.1 * rr
    return (dy <= h) & (np.abs(dx) <= (dy + h) * 0.5)


def coverage(shape_idx, cx, cy, r):
    """Antialiased coverage (B, 32, 32) in [0, 1] of a batch of shapes on the full image."""
    return raster.coverage(shape_idx, cx, cy, r, SHAPES, inside)


class Batch:
    """A batch of scenes.
    image:      float32 (B, 3, 32, 32) in [-1, 1]
    captions:   list of B strings
    input_ids:  int64 (B, T)
    n_obj:      int (B,) 1 or 2
    obj:        dict of int arrays (B, 2): colour, shape, size, position indices (-1 when absent)
    obj_mask:   bool (B, 2, 32, 32): visible pixels of each object (visible coverage >= 0.5)
    word_obj:   int (B, T): which object a token names (-1: none). Colour, shape, size and the position
                head word (left/right/top/bottom/center) of an object all map to that object.
    word_kind:  int (B, T): index into WORD_KINDS
    """

    def word_masks(self, i):
        """Sample i's {token index: bool mask (32, 32)} for every object-naming word."""
        return {t: self.obj_mask[i, o] for t, o in enumerate(self.word_obj[i]) if o >= 0}


def render(colour, shape, size, position, n_obj, rng, size_word=None):
    """Render a batch from object attributes (int arrays (B, 2), -1 for an absent second object).
    size_word: bool (B, 2) whether the caption says the size (default: all True)."""
    B = colour.shape[0]
    if size_word is None:
        size_word = np.ones((B, 2), dtype=bool)
    # background: near-white or light grey, slightly tinted
    bg = rng.uniform(0.82, 0.97, size=(B, 1)) + rng.uniform(-0.02, 0.02, size=(B, 3))  # (B, 3)
    img = np.broadcast_to(bg[:, :, None, None], (B, 3, SIZE, SIZE)).astype(np.float32).copy()  # (B, 3, 32, 32)
    covs = np.zeros((B, 2, SIZE, SIZE), dtype=np.float32)
    centres = np.array([CENTRES[p] for p in POSITIONS], dtype=np.float32)  # (5, 2)
    radii = np.array([RADIUS[s] for s in SIZES], dtype=np.float32)
    for o in range(2):
        present = n_obj > o
        p = np.where(present, position[:, o], 0)
        cx = centres[p, 0] + rng.uniform(-JITTER_PX, JITTER_PX, size=B)
        cy = centres[p, 1] + rng.uniform(-JITTER_PX, JITTER_PX, size=B)
        r = radii[np.where(present, size[:, o], 0)] * rng.uniform(0.95, 1.05, size=B)
        cov = coverage(np.where(present, shape[:, o], 0), cx, cy, r)  # (B, 32, 32)
        cov *= present[:, None, None]
        col = PALETTE[np.where(present, colour[:, o], 0)] + rng.uniform(-0.04, 0.04, size=(B, 3))  # (B, 3)
        col = np.clip(col, 0, 1).astype(np.float32)
        img = img * (1 - cov[:, None]) + col[:, :, None, None] * cov[:, None]  # (B, 3, 32, 32)
        covs[:, 0] *= (1 - cov)  # a later object covers an earlier one
        covs[:, o] = cov
    b = Batch()
    b.image = (img * 2 - 1).astype(np.float32)
    b.n_obj = n_obj
    b.obj = dict(colour=colour, shape=shape, size=size, position=position)
    b.obj_mask = covs >= 0.5
    # captions and word -> object maps
    b.captions, b.word_obj, b.word_kind = [], np.full((B, MAX_TOKENS), -1), np.zeros((B, MAX_TOKENS), dtype=np.int64)
    for i in range(B):
        words = []
        for o in range(n_obj[i]):
            if o > 0:
                words.append(("and", "function", -1))
            sw = SIZES[size[i, o]] if size_word[i, o] else None
            for w, kind in phrase(COLOUR_NAMES[colour[i, o]], SHAPES[shape[i, o]], POSITIONS[position[i, o]], sw):
                words.append((w, kind, o))
        b.captions.append(" ".join(w for w, _, _ in words))
        for t, (w, kind, o) in enumerate(words[:MAX_TOKENS - 1]):
            if kind in WORD_KINDS[1:]:
                b.word_obj[i, t + 1] = o
                b.word_kind[i, t + 1] = WORD_KINDS.index(kind)
    b.input_ids = tokenize_batch(b.captions)
    return b


# -----------------------------------------------------------------------------
# sampling scenes

# allowed (colour, shape) per position in training, as index arrays
def _allowed(held_out):
    table = {}
    for p, pos in enumerate(POSITIONS):
        table[p] = np.array([(c, s) for c, col in enumerate(COLOUR_NAMES) for s, sh in enumerate(SHAPES)
                             if (col, sh, pos) not in held_out])
    return table


_TRAIN_ALLOWED = _allowed(HELD_OUT_SET)


def sample_batch(B, rng, p_two=0.8, p_size_word=2 / 3):
    """B random training scenes (held-out triples excluded) as a Batch."""
    n_obj = np.where(rng.random(B) < p_two, 2, 1)
    position = np.full((B, 2), -1)
    pair = rng.integers(0, len(PAIRS), size=B)
    pair_pos = np.array([[POSITIONS.index(a), POSITIONS.index(b)] for a, b in PAIRS])  # (4, 2)
    position[:, 0] = np.where(n_obj == 2, pair_pos[pair, 0], rng.integers(0, len(POSITIONS), size=B))
    position[:, 1] = np.where(n_obj == 2, pair_pos[pair, 1], -1)
    colour = np.full((B, 2), -1)
    shape = np.full((B, 2), -1)
    for o in range(2):
        for p, allowed in _TRAIN_ALLOWED.items():
            sel = np.nonzero(position[:, o] == p)[0]
            if len(sel) == 0:
                continue
            pick = allowed[rng.integers(0, len(allowed), size=len(sel))]
            colour[sel, o], shape[sel, o] = pick[:, 0], pick[:, 1]
    # two objects get different colours: redraw clashes (rejection, a couple of rounds suffice)
    for _ in range(20):
        clash = (n_obj == 2) & (colour[:, 0] == colour[:, 1])
        if not clash.any():
            break
        for p, allowed in _TRAIN_ALLOWED.items():
            sel = np.nonzero(clash & (position[:, 1] == p))[0]
            if len(sel):
                pick = allowed[rng.integers(0, len(allowed), size=len(sel))]
                colour[sel, 1], shape[sel, 1] = pick[:, 0], pick[:, 1]
    size = np.where(position >= 0, rng.integers(0, 2, size=(B, 2)), -1)
    size_word = rng.random((B, 2)) < p_size_word
    return render(colour, shape, size, position, n_obj, rng, size_word)


def render_objects(scenes_objs, rng):
    """Render given scenes: a list of lists of dict(colour, shape, size|None, position). A missing size
    is drawn at random and left out of the caption."""
    B = len(scenes_objs)
    colour, shape, size, position = (np.full((B, 2), -1) for _ in range(4))
    size_word = np.zeros((B, 2), dtype=bool)
    for i, objs in enumerate(scenes_objs):
        for o, d in enumerate(objs):
            colour[i, o] = COLOUR_NAMES.index(d["colour"])
            shape[i, o] = SHAPES.index(d["shape"])
            position[i, o] = POSITIONS.index(d["position"])
            size_word[i, o] = d.get("size") is not None
            size[i, o] = SIZES.index(d["size"]) if d.get("size") else rng.integers(2)
    n_obj = np.array([len(o) for o in scenes_objs])
    return render(colour, shape, size, position, n_obj, rng, size_word)


def parse_caption(text):
    """Inverse of the grammar: caption -> list of objects dict(colour, shape, size|None, position), or None."""
    words = split_words(text)
    objs, cur = [], []
    for w in words + ["and"]:
        if w == "and":
            cur_w = cur
            cur = []
            o = dict(colour=None, shape=None, size=None, position=None)
            for x in cur_w:
                if x in COLOURS:
                    o["colour"] = x
                elif x in SHAPES:
                    o["shape"] = x
                elif x in SIZES:
                    o["size"] = x
                elif x in POSITIONS:
                    o["position"] = x
            if o["colour"] is None or o["shape"] is None or o["position"] is None:
                return None
            objs.append(o)
        else:
            cur.append(w)
    return objs


def caption_of(objs, with_size=True):
    """objs: list of dict(colour, shape, size, position) -> caption string in the training grammar."""
    parts = []
    for o in objs:
        sw = o.get("size") if with_size else None
        parts.append(" ".join(w for w, _ in phrase(o["colour"], o["shape"], o["position"], sw)))
    return " and ".join(parts)


if __name__ == "__main__":
    import time
    rng = np.random.default_rng(0)
    t0 = time.time()
    for _ in range(10):
        b = sample_batch(64, rng)
    print(f"{(time.time() - t0) / 10 * 1000:.1f} ms per batch of 64")
    for c in b.captions[:8]:
        print(c)
    print(VOCAB, len(VOCAB))
