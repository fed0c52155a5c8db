"""
manifest.json of a model package: what the runtime needs to run the graphs (tokenizer, scheduler,
attention outputs, control inputs, guidance) and the model card's training record.
"""

import dataclasses
import json
import os

import numpy as np

import scenes
from model import count_params


def control_manifest(unet):
    """The contract v2 block: which UNet inputs control the cross-attention and how (model.apply_control)."""
    return {
        "tokenScale": "token_scale",
        "injectWeight": "inject_weight",
        "inject": {name: f"inject_{name}" for name, *_ in unet.attention_layout()},
        "order": "inject-then-scale",
        "renormalised": False,
        "note": "In every cross-attention: p <- p + inject_weight * (inject - p), then p <- p * token_scale, per "
                "token, on the post-softmax probabilities; no renormalisation over tokens (prompt-to-prompt's "
                "reweighting). token_scale 1 and inject_weight 0 are exact no-ops. The attention outputs are "
                "the controlled probabilities, the ones multiplied with the values.",
    }


def guidance_manifest(cfg, ck):
    """{"guidance": ...} for a guidance-distilled student (distill.py): the UNet's scale input and the
    range it was distilled on; {} for a model sampled with classifier-free guidance."""
    if not cfg.model.guidance_embed:
        return {}
    d = ck.get("distill") or {}
    return {"guidance": {"distilled": True, "input": "guidance",
                         "range": [d.get("guidance_min", 0.0), d.get("guidance_max", 10.0)],
                         "note": "one batch-1 UNet pass per step on the prompt; the scale w is an input "
                                 "(Meng et al. 2023, stage 1), no unconditional pass"}}


def manifest(model, cfg, ck, run):
    man = _manifest(model, cfg, ck, run)
    if ck.get("package_training"):
        # a checkpoint rebuilt by import_onnx.py from a package: re-exporting it (e.g. to contract v2)
        # keeps that package's own training record, which the rebuilt checkpoint cannot reconstruct
        man["training"] = ck["package_training"]
    return man


def _manifest(model, cfg, ck, run):
    losses = ck.get("losses", [])
    ev = None
    ev_path = os.path.join(run, "eval.json") if os.path.isdir(run) else None
    if ev_path and os.path.exists(ev_path):
        with open(ev_path) as f:
            ev = json.load(f)
    return {
        "name": "scenes", "version": "1.1.0", "license": "MIT",
        "description": "Tiny pixel-space text-to-image UNet (32x32) trained from scratch on procedural scenes of "
                       "coloured shapes, with its cross-attention exported for the explorer.",
        "image": {"width": 32, "height": 32, "channels": 3, "range": [-1, 1], "layout": "NCHW"},
        "tokenizer": {"kind": "word", "vocab": scenes.VOCAB, "maxTokens": cfg.model.max_tokens, "lowercase": True,
                      "special": {"pad": "<pad>", "start": "<s>", "unknown": "<unk>"}, "phraseSeparator": "and"},
        "textEncoder": "text_encoder.onnx",
        "unet": "unet.onnx",
        "embeddingDim": cfg.model.text_dim,
        "scheduler": {"kind": "rectified-flow-euler", "trainTimesteps": 1000, "predictionType": "velocity",
                      "timestepScale": 1000, "guidanceUncond": ""},
        # 20 steps: the smallest count whose colour/shape mIoU means lie inside the 25-step seed-set ranges
        # (npm run eval --steps 8|12|20|25, table in README "Default step count"); 0.8x the wait of 25.
        "defaults": {"steps": 20, "guidance": 4, "seed": 0},
        "grammarSpec": scenes.GRAMMAR_SPEC,
        "attention": [{"output": n, "place": p, "block": b, "index": i, "resolution": [h, w], "heads": cfg.model.heads}
                      for n, p, b, i, (h, w) in model.unet.attention_layout()],
        "control": control_manifest(model.unet),
        **guidance_manifest(cfg, ck),
        "training": {
            "preset": cfg.preset, "steps": ck["step"], "batchSize": cfg.batch_size,
            "wallTimeMinutes": round(ck["elapsed"] / 60, 1),
            "device": cfg.device,
            # a fine-tuned run names the run it started from (preset, steps, batch, wall time)
            "fineTunedFrom": ck.get("base"),
            "modelConfig": {k: list(v) if isinstance(v, tuple) else v  # as JSON reads it back
                            for k, v in dataclasses.asdict(cfg.model).items()},
            "finalLoss": round(float(np.mean(losses[-100:])), 5) if losses else None,
            "parameters": {"textEncoder": count_params(model.text), "unet": count_params(model.unet)},
            "grammar": scenes.GRAMMAR,
            "heldOut": [list(h) for h in scenes.HELD_OUT],
            "objective": objective(cfg),
            "textEncoderNote": "phrase-scoped self-attention: each word attends only within its 'and'-separated phrase",
            "eval": ev,
        },
    }


def objective(cfg):
    """The training objective of the run's last stage in words (earlier stages: training.fineTunedFrom)."""
    text = f"rectified flow, velocity prediction, t {cfg.t_sampling}, CFG dropout {cfg.cond_dropout}, EMA {cfg.ema_decay}"
    if cfg.ground_weight:
        text += f", + {cfg.ground_weight} x grounding term on colour and shape words (training/grounding.py)"
    if cfg.pixel_weight:
        text += f", + {cfg.pixel_weight} x pixel term (grounding.pixel_loss)"
    if cfg.form_p:
        text += ", scene forms " + ", ".join(f"{k} {v:g}" for k, v in cfg.form_p.items())
    if cfg.repeat_colour_p:
        text += f", {cfg.repeat_colour_p:g} of later objects repeating an earlier colour"
    return text


def distilled_manifest(man, ck):
    """A guidance-distilled student (distill.py) ships beside its teacher, under the teacher's name + "-fast",
    with the distillation recipe (loss weights, guidance range, steps) in its training record."""
    man["name"] = man["name"] + "-fast"
    man["description"] += (" Guidance-distilled: one batch-1 UNet pass per step with the guidance scale as an "
                           "input, instead of the teacher's two (conditional + unconditional).")
    man["training"]["distill"] = ck.get("distill")
    return man


def world_v2_manifest(man, cfg):
    """A world-v2 package: its own name, vocabulary, grammar (text and grammarSpec, which the runtime
    checks prompts against) and held-out combinations."""
    import scenes_v2 as w
    man["name"] = "scenes-v2"
    man["description"] = ("Tiny pixel-space text-to-image UNet (32x32), the scenes model fine-tuned on world v2: "
                          "8 shapes, 11 colours, up to three objects, relations and backgrounds.")
    man["tokenizer"]["vocab"] = w.VOCAB
    man["grammarSpec"] = w.GRAMMAR_SPEC
    man["examples"] = w.EXAMPLES
    t = man["training"]
    t["grammar"] = w.GRAMMAR
    t["heldOut"] = [list(h) for h in w.HELD_OUT]
    t["heldOutRelations"] = sorted(list(h) for h in w.HELD_OUT_REL)
    t["heldOutBackgrounds"] = sorted(list(h) for h in w.HELD_OUT_BG)
    t["textEncoderNote"] = ("phrase-scoped self-attention, v2 rule: a phrase starts at 'and', an article, a relation "
                            "word or 'on a'; words attend within their phrase and to the relation phrase; relation "
                            f"words attend to {'the whole prompt' if cfg.model.relation_scope == 'objects' else 'their phrase'}")
    return man
