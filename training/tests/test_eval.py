import json
import os

import checker
import daam
import eval as ev
import scenes


def test_prompt_list_is_fixed_and_covers_held_out():
    p = ev.prompt_list()
    assert p == ev.prompt_list()
    singles = [x for x in p if len(x[1]) == 1]
    twos = [x for x in p if len(x[1]) == 2]
    assert len(singles) >= 15 and len(twos) >= 25
    held = {(o["colour"], o["shape"], o["position"]) for x in p for o in x[1]} & scenes.HELD_OUT_SET
    assert held == scenes.HELD_OUT_SET
    for cap, objs, h in p:
        assert scenes.parse_caption(cap) == [dict(o, size=o.get("size")) for o in objs]
        assert h == any((o["colour"], o["shape"], o["position"]) in scenes.HELD_OUT_SET for o in objs)


def test_evaluate_copes_with_a_bad_model(smoke_run):
    res = ev.evaluate(smoke_run, seeds=1, steps=3, quiet=True)
    for k in ("single", "two", "binding", "placement", "miou_colour", "miou_shape"):
        assert k in res["mean"]
    for k in ("single", "two", "binding", "placement"):
        assert 0 <= res["mean"][k] <= 1
    saved = json.load(open(os.path.join(smoke_run, "eval.json")))
    assert saved["mean"] == res["mean"] and saved["prompts"]["heldOut"] > 0
    assert os.path.getsize(os.path.join(smoke_run, "eval_samples.png")) > 100


def test_word_iou():
    import numpy as np
    heat = np.zeros((32, 32))
    heat[4:12, 4:12] = 1
    mask = np.zeros((32, 32), dtype=bool)
    mask[4:12, 4:12] = True
    assert daam.word_iou(heat, mask) == 1.0
    mask[:] = False
    mask[20:28, 20:28] = True
    assert daam.word_iou(heat, mask) == 0.0


def test_checker_masks_match_the_true_masks_of_clean_renders():
    """On rendered training scenes the checker's object mask is the scenes.py mask (coverage >= 0.5) up
    to the colour jitter at edge pixels, and it reads every object's colour and shape right."""
    import numpy as np
    b = scenes.sample_batch(120, np.random.default_rng(5), p_two=0.8)
    ious, shapes = [], []
    for i in range(len(b.captions)):
        found = checker.find_objects(b.image[i])
        for o in range(b.n_obj[i]):
            f = found.get(scenes.COLOUR_NAMES[b.obj["colour"][i, o]])
            assert f is not None, b.captions[i]
            truth = b.obj_mask[i, o]
            ious.append((f["mask"] & truth).sum() / (f["mask"] | truth).sum())
            shapes.append(f["shape"] == scenes.SHAPES[b.obj["shape"][i, o]])
    assert np.mean(ious) >= 0.95 and np.mean(shapes) >= 0.95


def test_daam_layer_set_leaves_out_mid_and_lowest_resolution():
    layout = [("attn_down_1_0", "down", 1, 0, (16, 16)), ("attn_down_2_0", "down", 2, 0, (8, 8)),
              ("attn_mid_0_0", "mid", 0, 0, (8, 8)), ("attn_up_1_0", "up", 1, 0, (16, 16))]
    assert daam.daam_layers(layout) == ["attn_down_1_0", "attn_up_1_0"]
    assert daam.daam_layers(layout[:1]) == []
