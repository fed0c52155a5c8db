import numpy as np
import pytest

import checker
import eval as ev
import scenes


def test_vocab_is_the_contract():
    assert scenes.VOCAB[:3] == ["<pad>", "<s>", "<unk>"]
    assert scenes.VOCAB[3:] == ["a", "an", "and", "at", "big", "blue", "bottom", "center", "circle", "green", "in",
                                "left", "on", "orange", "purple", "red", "right", "small", "square", "the", "top",
                                "triangle", "yellow"]
    # exactly the words the grammar uses
    rng = np.random.default_rng(0)
    used = {w for _ in range(10) for c in scenes.sample_batch(256, rng).captions for w in c.split()}
    used |= {w for h in scenes.HELD_OUT for w in scenes.caption_of([dict(colour=h[0], shape=h[1], position=h[2],
                                                                         size="small")]).split()}
    assert used == set(scenes.VOCAB[3:])


def test_tokenizer():
    rep = {}
    ids = scenes.tokenize("A  Big RED, circle!! on the LEFT; and a purple dragon", report=rep)
    words = ["a", "big", "red", "circle", "on", "the", "left", "and", "a", "purple"]
    assert ids[: len(words) + 2] == [scenes.BOS] + [scenes.STOI[w] for w in words] + [scenes.UNK]
    assert ids[len(words) + 2:] == [scenes.PAD] * (20 - len(words) - 2)
    assert len(ids) == 20 and rep["unknown"] == ["dragon"] and rep["truncated"] == []
    assert scenes.tokenize("") == [scenes.BOS] + [scenes.PAD] * 19
    assert scenes.split_words("ＲＥＤ　ｃｉｒｃｌｅ") == ["red", "circle"]  # NFKC (full-width)
    long = " ".join(["red"] * 25)
    ids = scenes.tokenize(long, report=rep)
    assert len(ids) == 20 and ids[1:] == [scenes.STOI["red"]] * 19 and len(rep["truncated"]) == 6


def test_captions_follow_english():
    rng = np.random.default_rng(1)
    b = scenes.sample_batch(512, rng)
    for c in b.captions:
        w = c.split()
        for i, x in enumerate(w):
            if x in ("a", "an"):
                assert (x == "an") == (w[i + 1][0] in "aeiou"), c
        objs = scenes.parse_caption(c)
        assert objs is not None and len(objs) in (1, 2)
        if len(objs) == 2:
            assert {objs[0]["position"], objs[1]["position"]} in ({"left", "right"}, {"top", "bottom"})
            assert objs[0]["colour"] != objs[1]["colour"]
    assert 0.75 < np.mean(b.n_obj == 2) < 0.85


def test_held_out_never_in_training():
    rng = np.random.default_rng(2)
    assert 8 <= len(scenes.HELD_OUT) <= 10
    for _ in range(20):
        for c in scenes.sample_batch(256, rng).captions:
            for o in scenes.parse_caption(c):
                assert (o["colour"], o["shape"], o["position"]) not in scenes.HELD_OUT_SET, c


def test_masks_match_rendered_pixels():
    rng = np.random.default_rng(3)
    b = scenes.sample_batch(128, rng)
    assert b.image.dtype == np.float32 and b.image.shape == (128, 3, 32, 32)
    assert b.image.min() >= -1 and b.image.max() <= 1
    rgb = (b.image + 1) / 2
    agree = total = 0
    for i in range(128):
        bg = np.median(np.concatenate([rgb[i, :, 0], rgb[i, :, -1]], axis=1), axis=1)  # (3,)
        for o in range(b.n_obj[i]):
            col = scenes.PALETTE[b.obj["colour"][i, o]]
            d = col - bg
            alpha = np.einsum("chw,c->hw", rgb[i] - bg[:, None, None], d) / (d @ d)  # estimated coverage
            m = b.obj_mask[i, o]
            assert m.sum() >= 10
            # every mask pixel is mostly the object's colour; outside pixels of this colour are not
            assert (alpha[m] > 0.4).all()
            other = b.obj_mask[i, 1 - o] if b.n_obj[i] == 2 else np.zeros_like(m)
            agree += ((alpha >= 0.5) == m)[~other].sum()
            total += (~other).sum()
        if b.n_obj[i] == 1:
            assert not b.obj_mask[i, 1].any()
    assert agree / total > 0.995  # colour jitter moves a few edge pixels across 0.5


def test_word_masks_map_words_to_their_object():
    rng = np.random.default_rng(4)
    b = scenes.sample_batch(64, rng)
    for i in range(64):
        words = ["<s>"] + b.captions[i].split()
        wm = b.word_masks(i)
        o = 0
        for t, w in enumerate(words):
            if w == "and":
                o += 1
            kind = scenes.WORD_KINDS[b.word_kind[i, t]]
            if w in scenes.COLOURS or w in scenes.SHAPES or w in scenes.SIZES or w in scenes.POSITIONS:
                assert b.word_obj[i, t] == o and t in wm and (wm[t] == b.obj_mask[i, o]).all()
                assert kind in ("colour", "shape", "size", "position")
            else:
                assert b.word_obj[i, t] == -1 and t not in wm and kind == "other"


def test_checker_reads_ground_truth_scenes():
    rng = np.random.default_rng(5)
    prompts = ev.prompt_list()
    b = scenes.render_objects([p[1] for p in prompts], rng)
    assert b.captions == [p[0] for p in prompts]
    for i, (cap, objs, _) in enumerate(prompts):
        assert checker.check(b.image[i], objs)["all_right"], cap
    b = scenes.sample_batch(200, rng)
    ok = [checker.check(b.image[i], scenes.parse_caption(c))["all_right"] for i, c in enumerate(b.captions)]
    assert np.mean(ok) >= 0.99


def test_checker_rejects_wrong_scenes():
    rng = np.random.default_rng(6)
    objs = [dict(colour="red", shape="circle", size="big", position="left"),
            dict(colour="blue", shape="square", size="big", position="right")]
    swapped = [dict(objs[0], position="right"), dict(objs[1], position="left")]
    rebound = [dict(objs[0], shape="square"), dict(objs[1], shape="circle")]
    b = scenes.render_objects([swapped, rebound], rng)
    assert not checker.check(b.image[0], objs)["all_right"]
    r = checker.check(b.image[1], objs)
    assert not r["all_right"] and r["binding"] is False
    blank = np.full((3, 32, 32), 0.8, dtype=np.float32)
    assert not checker.check(blank, objs[:1])["all_right"]
