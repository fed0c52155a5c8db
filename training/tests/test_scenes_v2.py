import numpy as np
import pytest

import checker_v2
import eval as ev
import eval_v2
import render_v2 as R
import scenes
import scenes_v2 as W


def test_vocabulary_is_a_superset_with_at_least_40_words():
    assert set(scenes.VOCAB) <= set(W.VOCAB)
    assert len(W.WORDS) >= 40
    assert {"diamond", "ring", "cross"} <= set(W.SHAPES) and len(set(W.COLOUR_NAMES) - set(scenes.COLOUR_NAMES)) >= 2
    assert W.VOCAB[:3] == ["<pad>", "<s>", "<unk>"] and W.WORDS == sorted(W.WORDS)


def test_every_v1_caption_is_a_v2_caption_with_the_same_meaning():
    rng = np.random.default_rng(0)
    caps = scenes.sample_batch(200, rng).captions + [p[0] for p in ev.prompt_list()]
    for cap in caps:
        v1 = scenes.parse_caption(cap)
        v2 = W.parse_caption(cap)
        assert v2 is not None and v2["background"] == "light" and not v2["bg_word"], cap
        assert v2["form"] == ("single" if len(v1) == 1 else "pair")
        for a, b in zip(v1, v2["objects"]):
            assert {k: a[k] for k in ("colour", "shape", "size", "position")} == \
                   {k: b[k] for k in ("colour", "shape", "size", "position")}
        assert W.UNK not in W.tokenize(cap)
        # same words, same order: the v2 tokenizer maps each to the same word
        assert [W.VOCAB[i] for i in W.tokenize(cap) if i > 2] == [scenes.VOCAB[i] for i in scenes.tokenize(cap) if i > 2]


def test_exact_caption_forms():
    o = lambda c, s, p, size=None: dict(colour=c, shape=s, size=size, size_word=size is not None, position=p)
    tri = dict(form="triple", objects=[o("red", "ring", "left"), o("blue", "star", "center", "big"),
                                        o("pink", "heart", "right")], relation=None, background="light", bg_word=False)
    assert W.caption_of(tri) == "a red ring on the left, a big blue star in the center and a pink heart on the right"
    col = dict(tri, objects=[o("red", "ring", "top"), o("blue", "star", "center"), o("cyan", "cross", "bottom")],
               background="dark", bg_word=True)
    assert W.caption_of(col) == ("a red ring at the top, a blue star in the center and a cyan cross at the bottom "
                                 "on a dark background")
    for rel, words in (("above", "above"), ("below", "below"), ("left", "to the left of"), ("right", "to the right of")):
        sc = dict(form="relation", objects=[o("red", "ring", None), o("orange", "cross", None, "small")],
                  relation=rel, background="light", bg_word=True)
        cap = W.caption_of(sc)
        assert cap == f"a red ring {words} a small orange cross on a light background"
        back = W.parse_caption(cap)
        assert back["relation"] == rel and back["form"] == "relation" and back["bg_word"]
        assert [d["colour"] for d in back["objects"]] == ["red", "orange"]
    assert W.parse_caption(W.caption_of(col))["form"] == "triple"
    assert len(W.split_words(W.caption_of(col))) + 1 <= W.MAX_TOKENS


def test_training_never_shows_held_out_or_invisible_colours():
    rng = np.random.default_rng(1)
    forms = {}
    for _ in range(3000):
        sc = W.sample_scene(rng)
        forms[sc["form"]] = forms.get(sc["form"], 0) + 1
        assert not eval_v2.held_out(sc), sc
        for d in sc["objects"]:
            assert W.COLOUR_BACKGROUND.get(d["colour"], sc["background"]) == sc["background"]
        if sc["background"] == "dark":
            assert sc["bg_word"]
    assert set(forms) == {"single", "pair", "triple", "relation"}


def test_masks_are_exact_and_relations_hold():
    rng = np.random.default_rng(2)
    b = R.sample_batch(256, rng)
    img = (b.image + 1) / 2
    for i, sc in enumerate(b.scenes):
        n = len(sc["objects"])
        assert not b.obj_mask[i, n:].any()
        union = b.obj_mask[i, :n].any(0)
        assert np.array_equal(b.bg_mask[i], ~union)
        assert (b.obj_mask[i, :n].sum(0) <= 1).all()  # visible masks never overlap
        for o, d in enumerate(sc["objects"]):
            m = b.obj_mask[i, o]
            assert m.sum() >= 4, (b.captions[i], o)
            col = np.array(W.COLOURS[d["colour"]])
            bg = np.median(np.concatenate([img[i][:, 0], img[i][:, -1]], axis=1), axis=1)
            # every masked pixel is at least half its object's colour (coverage >= 0.5; +-0.04 colour jitter)
            a = ((img[i][:, m].T - bg) @ (col - bg)) / ((col - bg) @ (col - bg))
            assert a.min() > 0.4, b.captions[i]
        if sc["form"] == "relation":
            ys, xs = np.mgrid[0:32, 0:32]
            c = [((xs * b.obj_mask[i, k]).sum() / b.obj_mask[i, k].sum(), (ys * b.obj_mask[i, k]).sum() / b.obj_mask[i, k].sum())
                 for k in range(2)]
            axis = 1 if sc["relation"] in ("above", "below") else 0
            first_smaller = sc["relation"] in ("above", "left")
            assert (c[0][axis] < c[1][axis]) == first_smaller, b.captions[i]


def test_word_regions():
    rng = np.random.default_rng(3)
    b = R.sample_batch(64, rng)
    for i, sc in enumerate(b.scenes):
        regions = b.word_masks(i)
        ids = b.input_ids[i]
        for t, (kind, m) in regions.items():
            w = W.VOCAB[ids[t]]
            if kind == "colour":
                assert w in W.COLOURS
            if kind == "relation":
                assert w in W.RELATIONS and np.array_equal(m, b.obj_mask[i, 0] | b.obj_mask[i, 1])
            if kind == "background":
                assert np.array_equal(m, b.bg_mask[i])
            if kind == "position" and w == "left":
                assert m[:, 0].all() and not m[:, 31].any()


def test_checker_reads_clean_renders_of_the_prompt_set():
    prompts = eval_v2.prompt_set()
    assert {c for c, _ in prompts} == set(eval_v2.CATEGORIES)
    assert sum(eval_v2.held_out(sc) for c, sc in prompts if c == "held_out_triple") == 12
    rng = np.random.default_rng(4)
    b = R.render([sc for _, sc in prompts], rng)
    per = {}
    for i, (cat, sc) in enumerate(prompts):
        r = checker_v2.check(b.image[i], sc)
        per.setdefault(cat, []).append(r["all_right"])
    for cat, oks in per.items():
        assert np.mean(oks) >= 0.9, (cat, np.mean(oks))


def test_checker_rejects_wrong_scenes():
    o = lambda c, s, p: dict(colour=c, shape=s, size="big", size_word=True, position=p)
    truth = dict(form="relation", objects=[o("red", "ring", None), o("blue", "heart", None)], relation="above",
                 background="light", bg_word=False)
    rng = np.random.default_rng(5)
    img = R.render([truth], rng).image[0]
    assert checker_v2.check(img, truth)["relation"]
    assert not checker_v2.check(img, dict(truth, relation="below"))["relation"]
    assert not checker_v2.check(img, dict(truth, objects=[o("red", "star", None), o("blue", "heart", None)]))["relation"]
    assert not checker_v2.check(img, dict(truth, background="dark", bg_word=True))["background"]
    tri = dict(form="triple", objects=[o("red", "ring", "left"), o("blue", "star", "center"), o("pink", "cross", "right")],
               relation=None, background="light", bg_word=False)
    img = R.render([tri], rng).image[0]
    assert checker_v2.check(img, tri)["all_right"]
    swapped = dict(tri, objects=[o("pink", "cross", "left"), o("blue", "star", "center"), o("red", "ring", "right")])
    assert not checker_v2.check(img, swapped)["all_right"]


@pytest.mark.parametrize("shape", W.SHAPES)
def test_every_shape_is_told_apart_at_both_sizes(shape):
    rng = np.random.default_rng(6)
    for size in W.SIZES:
        for form, pos in (("single", "left"), ("triple", "center")):
            objs = [dict(colour="green", shape=shape, size=size, size_word=True, position=pos)]
            if form == "triple":
                objs = [dict(objs[0], position=p, colour=c) for p, c in (("left", "red"), ("center", "green"), ("right", "blue"))]
            sc = dict(form=form, objects=objs, relation=None, background="light", bg_word=False)
            hits = [checker_v2.check(R.render([sc], rng).image[0], sc)["all_right"] for _ in range(8)]
            assert np.mean(hits) >= 0.75, (shape, size, form, hits)


def test_grammar_fixture_is_current():
    import json
    import grammar_fixture
    assert json.load(open(grammar_fixture.OUT)) == json.loads(json.dumps(grammar_fixture.fixture())), \
        "run python3 training/grammar_fixture.py"


def test_v2_prompt_file_is_current():
    import json
    import os
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "eval",
                        "prompts-v2.json")
    assert json.load(open(path)) == json.loads(json.dumps(eval_v2.prompt_file())), \
        "run python3 training/eval_v2.py --write-prompts eval/prompts-v2.json"


def test_world_v2_render_fixture_is_current():
    import json
    import world_v2_fixture
    assert json.load(open(world_v2_fixture.OUT)) == json.loads(json.dumps(world_v2_fixture.fixture())), \
        "run python3 training/world_v2_fixture.py"


def test_repeat_colour_p_trains_same_colour_pairs_within_the_training_rules():
    def pairs(**kw):
        rng = np.random.default_rng(0)
        return [W.sample_scene(rng, form="pair", **kw) for _ in range(400)]

    def same_colour_share(scenes):
        return np.mean([len({o["colour"] for o in s["objects"]}) < len(s["objects"]) for s in scenes])

    often = pairs(repeat_colour_p=0.5)
    assert same_colour_share(pairs()) < 0.1 < 0.4 < same_colour_share(often)
    for s in often:  # still nothing held out, every colour visible on its background
        assert not eval_v2.held_out(s), s
        assert all(W.COLOUR_BACKGROUND.get(o["colour"], s["background"]) == s["background"] for o in s["objects"])


def test_examples_are_trained_prompts_of_every_new_kind():
    scenes_of = [W.parse_caption(e) for e in W.EXAMPLES]
    assert all(s is not None and not eval_v2.held_out(s) for s in scenes_of), W.EXAMPLES
    assert W.EXAMPLES[0] == "a red circle on the left and a blue square on the right"  # a first visit, as on v1
    forms = {len(s["objects"]) if s["relation"] is None else "relation" for s in scenes_of}
    assert forms == {1, 2, 3, "relation"} and any(s["background"] == "dark" for s in scenes_of)
