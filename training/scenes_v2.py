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

This file is the world as data: vocabulary, grammar, captions, parsing and the sampling of scene dicts;
render_v2.py draws scenes into training batches.

Masks are exact as in v1: an object's mask is its visible antialiased coverage >= 0.5 (later objects cover
earlier ones); a background word's region is every pixel no object covers; a position word's region is the
cell of the layout it names; a relation word's region is the union of the two objects it relates.
"""

import numpy as np

import scenes as v1
from scenes import article  # noqa: F401  (same English as v1)
from tokenizer import BOS, PAD, UNK, encode, split_words  # noqa: F401  (same tokenizer rules as v1)

SIZE = v1.SIZE
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

# the app's Examples menu for a v2 package (manifest: examples), one per thing v1 could not do; the first
# (a v1 prompt, which opens a first visit) stays v1's first; the relation ones are drawn right at the app's
# seed 0 by both shipped v2 packages (session 6: "a pink star above a cyan heart" drew two cyan hearts there)
EXAMPLES = [
    "a red circle on the left and a blue square on the right",
    "a red heart above a blue ring",
    "a yellow diamond on the left, a green ring in the center and a purple cross on the right",
    "a small white star at the top on a dark background",
    "a blue triangle to the left of a blue star",
    "a big blue square below a small orange star",
]

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
    """[<s>] + word ids + <pad>... (max_tokens ids); see tokenizer.encode for report."""
    return encode(text, STOI, max_tokens, report)


def tokenize_batch(texts, max_tokens=MAX_TOKENS):
    return np.array([tokenize(t, max_tokens) for t in texts], dtype=np.int64)


def text_scope_ids():
    """Token ids the v2 text encoder's phrase rule needs (ModelConfig.scope_ids)."""
    return dict(and_id=STOI["and"], article_ids=(STOI["a"], STOI["an"]), on_id=STOI["on"],
                relation_ids=(STOI["above"], STOI["below"], STOI["to"]))


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


def sample_scene(rng, form=None, p_dark=0.35, p_light_word=0.3, p_same_colour=0.25, p_size_word=2 / 3,
                 form_p=None, repeat_colour_p=0.0):
    """One random training scene (held-out combinations excluded); form_p: the share of each form
    (default FORM_P). p_same_colour lets an object's colour be drawn again (a repeat then happens ~1 time
    in len(COLOUR_NAMES)); repeat_colour_p makes every object after the first take an earlier object's
    colour outright, so that same-colour pairs ("a red circle ... and a red star ...") are trained often
    enough for each colour word to find its own object."""
    if form is None:
        form_p = form_p or FORM_P
        form = list(form_p)[rng.choice(len(form_p), p=list(form_p.values()))]
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
        repeat = None  # (no draw at repeat_colour_p = 0: older presets keep their exact data stream)
        if objs and repeat_colour_p > 0 and rng.random() < repeat_colour_p:
            repeat = objs[rng.integers(len(objs))]["colour"]
        for attempt in range(100):
            # a repeated colour gets 20 tries to find an allowed shape before the draw falls back to any colour
            c = repeat if repeat is not None and attempt < 20 else COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
            s = SHAPES[rng.integers(len(SHAPES))]
            if (c in used and not same_ok and c != repeat) or not allowed(c, s, background, pos, relation, first=k == 0):
                continue
            break
        used.add(c)
        objs.append(dict(colour=c, shape=s, size=SIZES[rng.integers(2)], size_word=bool(rng.random() < p_size_word),
                         position=pos))
    return dict(form=form, objects=objs, relation=relation, background=background, bg_word=bool(bg_word))


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
