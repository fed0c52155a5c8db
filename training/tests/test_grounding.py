import copy
import dataclasses
import json
import os

import numpy as np
import pytest
import torch

import config
import render_v2
import scenes_v2 as W
import train
from grounding import grounding_loss, pixel_loss, token_masks


def relation_batch(n=4, seed=0):
    rng = np.random.default_rng(seed)
    return render_v2.render([W.sample_scene(rng, form="relation") for _ in range(n)], rng)


def test_token_masks_ground_colour_and_shape_words_on_their_objects():
    b = relation_batch()
    masks, grounded = token_masks(b, W.WORD_KINDS)
    for i, scene in enumerate(b.scenes):
        words = W.caption_words(scene)
        want = {t + 1 for t, (_, kind, _) in enumerate(words) if kind in ("colour", "shape")}
        want = {t for t in want if b.obj_mask[i, b.word_obj[i, t]].any()}  # visible objects only
        assert set(np.flatnonzero(grounded[i].numpy())) == want, b.captions[i]
        for t in want:
            assert np.array_equal(masks[i, t].numpy() > 0, b.obj_mask[i, b.word_obj[i, t]]), (b.captions[i], t)
        assert not masks[i, [t for t in range(W.MAX_TOKENS) if t not in want]].any()


def probs_on(region, T, t, hw=16):
    """(1, 1, hw*hw, T) attention: token t takes all of each cell in region (bool (hw, hw)), token 0 the rest."""
    a = torch.zeros(1, 1, hw * hw, T)
    r = torch.from_numpy(region.reshape(-1))
    a[0, 0, r, t] = 1.0
    a[0, 0, ~r, 0] = 1.0
    return a


def test_grounding_loss_is_zero_on_the_object_and_one_off_it():
    T, t = 6, 3
    mask = np.zeros((32, 32), bool)
    mask[8:16, 8:16] = True  # covers cells (4..7, 4..7) of a 16x16 layer exactly
    masks = torch.zeros(1, T, 32, 32)
    masks[0, t] = torch.from_numpy(mask.astype(np.float32))
    grounded = torch.zeros(1, T, dtype=torch.bool)
    grounded[0, t] = True
    cells = mask[::2, ::2]
    on = grounding_loss({"l": probs_on(cells, T, t)}, masks, grounded)
    off = grounding_loss({"l": probs_on(np.roll(cells, 8, axis=1), T, t)}, masks, grounded)
    half = np.zeros_like(cells)
    half[4:8, 6:10] = True  # half of the token's cells on the object
    assert on.item() < 1e-6 and abs(off.item() - 1.0) < 1e-6
    assert abs(grounding_loss({"l": probs_on(half, T, t)}, masks, grounded).item() - 0.25) < 1e-6
    nothing = torch.zeros_like(grounded)
    assert grounding_loss({"l": probs_on(cells, T, t)}, masks, nothing).item() == 0.0


def test_pixel_loss_rewards_covering_the_object_not_a_peak_inside_it():
    T, t = 6, 3
    mask = np.zeros((32, 32), bool)
    mask[8:16, 8:16] = True
    masks = torch.zeros(1, T, 32, 32)
    masks[0, t] = torch.from_numpy(mask.astype(np.float32))
    grounded = torch.zeros(1, T, dtype=torch.bool)
    grounded[0, t] = True
    cells = mask[::2, ::2]
    peak = np.zeros_like(cells)
    peak[5:7, 5:7] = True  # 4 of the object's 16 cells
    cover, inside = (pixel_loss({"l": probs_on(r, T, t)}, masks, grounded).item() for r in (cells, peak))
    # the token loss cannot tell the two apart (all attention on the object either way); the pixel loss can
    assert grounding_loss({"l": probs_on(peak, T, t)}, masks, grounded).item() < 1e-6
    assert cover < 1e-4 < inside


def test_ground_and_pixel_weights_add_their_terms_and_log_them(tmp_path):
    cfg = copy.deepcopy(config.PRESETS["world-smoke"])
    cfg.steps, cfg.threads, cfg.log_every, cfg.ground_weight, cfg.pixel_weight = 4, 1, 2, 0.03, 0.05
    out = str(tmp_path / "g")
    assert train.train(cfg, out, quiet=True) == 4
    recs = [json.loads(line) for line in open(os.path.join(out, "log.jsonl"))]
    assert len(recs) == 2
    for r in recs:  # the logged loss is the flow term plus the weighted grounding and pixel terms
        assert 0 < r["ground"] <= 1 and r["flow"] > 0 and r["pixel"] > 0
        assert abs(r["loss"] - (r["flow"] + 0.03 * r["ground"] + 0.05 * r["pixel"])) < 2e-5


def test_pixel_t_max_keeps_the_pixel_term_off_noisier_samples(tmp_path):
    cfg = copy.deepcopy(config.PRESETS["world-smoke"])
    cfg.steps, cfg.threads, cfg.log_every, cfg.ground_weight, cfg.pixel_weight = 2, 1, 1, 0.03, 0.05
    cfg.pixel_t_max = 1e-6  # no sample has t this small: the term is 0 while the token term still counts
    out = str(tmp_path / "late")
    train.train(cfg, out, quiet=True)
    recs = [json.loads(line) for line in open(os.path.join(out, "log.jsonl"))]
    assert recs and all(r["pixel"] == 0 and r["ground"] > 0 for r in recs)
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match="pixel_t_max"):
            dataclasses.replace(config.PRESETS["world-cover-late"], pixel_t_max=bad)


def test_form_p_sets_the_share_of_scene_forms():
    rng = np.random.default_rng(0)
    only = [W.sample_scene(rng, form_p={"relation": 1.0})["form"] for _ in range(20)]
    assert set(only) == {"relation"}
    mix = [W.sample_scene(rng, form_p=config.PRESETS["world-relations"].form_p)["form"] for _ in range(2000)]
    assert abs(mix.count("relation") / 2000 - 0.5) < 0.04
    b = render_v2.sample_batch(8, rng, form_p={"triple": 1.0})
    assert all(s["form"] == "triple" for s in b.scenes)


def test_v2_only_knobs_are_refused_on_v1_scenes():
    for knob in (dict(ground_weight=0.03), dict(repeat_colour_p=0.2), dict(form_p={"single": 1.0})):
        with pytest.raises(ValueError, match=next(iter(knob))):
            config.TrainConfig(world="v1", **knob)
    config.TrainConfig(world="v2", ground_weight=0.03, repeat_colour_p=0.2)
