"""
Export a trained run to Wordlight's model package (docs/ARCHITECTURE.md, "The model package"):

    /usr/bin/python3 training/export.py --run training/runs/default --out public/models/scenes

writes <out>/manifest.json, <out>/text_encoder.onnx, <out>/unet.onnx (opset 17, dynamic batch, EMA
weights, fp32), <out>/unet.int8.onnx (int8 convolutions for WASM, training/quantize.py; --no-int8
skips it) and, unless --no-fixtures, the golden fixtures test/fixtures/golden.json (inputs and
PyTorch outputs, every attention tensor included) and test/fixtures/scheduler.json. A guidance-
distilled run (distill.py) exports with a `guidance` input and the manifest's `guidance` block.
"""

import argparse
import base64
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenes  # noqa: E402
from model import count_params  # noqa: E402
from train import load_model  # noqa: E402

OPSET = 17
MAX_PACKAGE_BYTES = 16 * 1024 * 1024
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class UNetExport(nn.Module):
    """UNet with a flat output tuple: model_output, then every attention output in manifest order."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, text_embeddings):
        out, attn = self.unet(sample, timestep, text_embeddings)
        return (out, *attn.values())


def world_of(model):
    """The scenes module (vocabulary, tokenizer, grammar) a model was trained on."""
    if model.cfg.phrase_rule == "v2":
        import scenes_v2
        return scenes_v2
    return scenes


def world_v2_manifest(man, cfg):
    """A world-v2 package: its own name, vocabulary, grammar (text and grammarSpec, which the runtime
    checks prompts against) and held-out combinations."""
    import scenes_v2 as w
    man["name"] = "scenes-v2"
    man["description"] = ("Tiny pixel-space text-to-image UNet (32x32), the scenes model fine-tuned on world v2: "
                          "8 shapes, 11 colours, up to three objects, relations and backgrounds.")
    man["tokenizer"]["vocab"] = w.VOCAB
    man["grammarSpec"] = w.GRAMMAR_SPEC
    t = man["training"]
    t["grammar"] = w.GRAMMAR
    t["heldOut"] = [list(h) for h in w.HELD_OUT]
    t["heldOutRelations"] = sorted(list(h) for h in w.HELD_OUT_REL)
    t["heldOutBackgrounds"] = sorted(list(h) for h in w.HELD_OUT_BG)
    t["textEncoderNote"] = ("phrase-scoped self-attention, v2 rule: a phrase starts at 'and', an article, a relation "
                            "word or 'on a'; words attend within their phrase and to the relation phrase; relation "
                            f"words attend to {'the whole prompt' if cfg.model.relation_scope == 'objects' else 'their phrase'}")
    return man


class UNetControlExport(UNetExport):
    """Model contract v2: the UNet with the prompt-to-prompt control inputs token_scale (B, T),
    inject_weight (B, T) and one inject_<output> (B, heads, h*w, T) per attention output (model.apply_control)."""

    def forward(self, sample, timestep, text_embeddings, token_scale, inject_weight, *inject):
        names = [name for name, *_ in self.unet.attention_layout()]
        guidance = None
        if self.unet.cfg.guidance_embed:  # a guidance-distilled student: its scale is the last input
            *inject, guidance = inject
        out, attn = self.unet(sample, timestep, text_embeddings, token_scale=token_scale,
                              inject=dict(zip(names, inject)), inject_weight=inject_weight, guidance=guidance)
        return (out, *attn.values())


def control_inputs(unet):
    """The v2 control input names, in graph order: token_scale, inject_weight, inject_<output>..."""
    return ["token_scale", "inject_weight", *[f"inject_{name}" for name, *_ in unet.attention_layout()]]


def neutral_control(unet, B):
    """Control inputs that change nothing: token_scale 1, inject_weight 0, inject maps 0."""
    T, nh = unet.cfg.max_tokens, unet.cfg.heads
    return [torch.ones(B, T), torch.zeros(B, T),
            *[torch.zeros(B, nh, h * w, T) for *_, (h, w) in unet.attention_layout()]]


def export_onnx(model, out, control=True):
    """Writes text_encoder.onnx and unet.onnx; control=False writes the contract v1 UNet (no control
    inputs), as the packages before v2 were made (import_onnx.py rebuilds those with it)."""
    T, D = model.cfg.max_tokens, model.cfg.text_dim
    names = [name for name, *_ in model.unet.attention_layout()]
    scenes = world_of(model)  # noqa: F811  (v1 or v2 tokenizer: T differs)
    ids = torch.tensor([scenes.tokenize("a red circle on the left and a blue square on the right"),
                        scenes.tokenize("")], dtype=torch.long)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.text, (ids,), os.path.join(out, "text_encoder.onnx"), opset_version=OPSET,
                          input_names=["input_ids"], output_names=["text_embeddings"],
                          dynamic_axes={"input_ids": {0: "batch"}, "text_embeddings": {0: "batch"}})
        ctx = torch.randn(2, T, D)
        args = (torch.randn(2, 3, 32, 32), torch.tensor([700.0, 700.0]), ctx)
        ins = ["sample", "timestep", "text_embeddings"]
        wrapper = UNetExport(model.unet)
        if control:
            args, ins, wrapper = (*args, *neutral_control(model.unet, 2)), ins + control_inputs(model.unet), \
                UNetControlExport(model.unet)
            if model.cfg.guidance_embed:  # guidance-distilled (distill.py): the scale (B,) comes last
                args, ins = (*args, torch.tensor([4.0, 4.0])), ins + ["guidance"]
        torch.onnx.export(wrapper, args, os.path.join(out, "unet.onnx"), opset_version=OPSET,
                          input_names=ins, output_names=["model_output", *names],
                          dynamic_axes={n: {0: "batch"} for n in [*ins, "model_output", *names]})


def contract_io(model, control=True):
    """{file: ([(input name, onnx dtype, shape)], [(output name, dtype, shape)])} as the contract says
    (v2 with control inputs, v1 without)."""
    import onnx
    f32, i64 = onnx.TensorProto.FLOAT, onnx.TensorProto.INT64
    T, D = model.cfg.max_tokens, model.cfg.text_dim
    ctl = [("token_scale", f32, ["batch", T]), ("inject_weight", f32, ["batch", T])] + \
        [(f"inject_{n}", f32, ["batch", model.cfg.heads, h * w, T])
         for n, _, _, _, (h, w) in model.unet.attention_layout()] if control else []
    if control and model.cfg.guidance_embed:
        ctl.append(("guidance", f32, ["batch"]))
    return {
        "text_encoder.onnx": ([("input_ids", i64, ["batch", T])], [("text_embeddings", f32, ["batch", T, D])]),
        "unet.onnx": ([("sample", f32, ["batch", 3, 32, 32]), ("timestep", f32, ["batch"]),
                       ("text_embeddings", f32, ["batch", T, D])] + ctl,
                      [("model_output", f32, ["batch", 3, 32, 32])] +
                      [(n, f32, ["batch", model.cfg.heads, h * w, T])
                       for n, _, _, _, (h, w) in model.unet.attention_layout()]),
    }


def set_io_shapes(out, model):
    """The exporter leaves the non-batch dims of outputs symbolic (they come out of reshapes of a dynamic
    batch); write the static sizes the contract promises into the graphs' inputs and outputs."""
    import onnx
    for fname, (ins, outs) in contract_io(model).items():
        path = os.path.join(out, fname)
        m = onnx.load(path)
        for vals, spec in ((m.graph.input, ins), (m.graph.output, outs)):
            for v, (name, _, shape) in zip(vals, spec):
                dims = v.type.tensor_type.shape.dim
                for d, want in zip(dims, shape):
                    if isinstance(want, str):
                        d.dim_param = want
                    else:
                        d.dim_value = want
        onnx.save(m, path)


def check_onnx(out, model):
    """onnx.checker plus the contract's names, dtypes and shapes. Returns the list of problems."""
    import onnx
    problems = []
    for fname, (ins, outs) in contract_io(model).items():
        m = onnx.load(os.path.join(out, fname))
        onnx.checker.check_model(m)
        if not any(o.domain in ("", "ai.onnx") and o.version == OPSET for o in m.opset_import):
            problems.append(f"{fname}: opset is not {OPSET}")
        for kind, got, exp in (("input", m.graph.input, ins), ("output", m.graph.output, outs)):
            got = [(v.name, v.type.tensor_type.elem_type,
                    [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]) for v in got]
            if [g[:2] for g in got] != [e[:2] for e in exp]:
                problems.append(f"{fname}: {kind}s {[g[:2] for g in got]} != {[e[:2] for e in exp]}")
            for g, e in zip(got, exp):
                if g[2][1:] != e[2][1:] or not isinstance(g[2][0], str):
                    problems.append(f"{fname}: {kind} {g[0]} shape {g[2]} != {e[2]} (dynamic batch)")
    return problems


# -----------------------------------------------------------------------------
# fixtures

def b64(a):
    a = np.ascontiguousarray(np.asarray(a, dtype="<f4"))
    return {"shape": list(a.shape), "data_b64": base64.b64encode(a.tobytes()).decode("ascii")}


def controlled_step(model, sample, timestep, ctx, prompt, guidance=None):
    """The golden step again with every control in use (contract v2): on the conditional row "red" x2,
    "blue" x0 and the other tokens x1; the maps of another prompt ("a big green triangle ... yellow
    circle ...", its own uncontrolled step) injected at full weight except "red" (kept, 0) and "circle"
    (half, 0.5); the unconditional row uncontrolled (scale 1, weight 0, maps 0), as the engine feeds it."""
    T = model.cfg.max_tokens
    words = ["<s>", *prompt.split()]
    scale, weight = torch.ones(2, T), torch.zeros(2, T)
    scale[0, words.index("red")], scale[0, words.index("blue")] = 2.0, 0.0
    weight[0, : len(words)] = 1.0
    weight[0, words.index("red")], weight[0, words.index("circle")] = 0.0, 0.5
    other = "a big green triangle on the left and a small yellow circle on the right"
    other_ctx = model.text(torch.tensor([world_of(model).tokenize(other), world_of(model).tokenize("")]))
    _, other_attn = model.unet(sample, timestep, other_ctx, guidance=guidance)
    inject = {k: torch.cat([a[:1], torch.zeros_like(a[1:])]) for k, a in other_attn.items()}
    out, attn = model.unet(sample, timestep, ctx, token_scale=scale, inject=inject, inject_weight=weight,
                           guidance=guidance)
    return {"note": "Inputs as the golden step plus the control inputs; outputs of the controlled UNet.",
            "injectFrom": other, "token_scale": b64(scale), "inject_weight": b64(weight),
            "inject": {f"inject_{k}": b64(v) for k, v in inject.items()},
            "outputs": {"model_output": b64(out), **{k: b64(v) for k, v in attn.items()}}}


@torch.no_grad()
def write_fixtures(model, fixtures_dir):
    os.makedirs(fixtures_dir, exist_ok=True)
    prompt = "a big red circle on the left and a small blue square on the right"
    tok = world_of(model).tokenize
    ids = torch.tensor([tok(prompt), tok("")], dtype=torch.long)  # (2, T)
    g = torch.Generator().manual_seed(0)
    sample = torch.randn(2, 3, 32, 32, generator=g)  # (2, 3, 32, 32)
    timestep = torch.tensor([700.0, 700.0])  # t = 0.7
    ctx = model.text(ids)  # (2, T, D)
    guidance = torch.tensor([4.0, 4.0]) if model.cfg.guidance_embed else None  # distilled students only
    out, attn = model.unet(sample, timestep, ctx, guidance=guidance)
    golden = {"prompt": prompt, "input_ids": ids.tolist(), "timestep": timestep.tolist(),
              "sample": b64(sample), "text_embeddings": b64(ctx),
              "outputs": {"model_output": b64(out), **{k: b64(v) for k, v in attn.items()}},
              "controlled": controlled_step(model, sample, timestep, ctx, prompt, guidance)}
    if guidance is not None:
        golden["guidance"] = guidance.tolist()
    with open(os.path.join(fixtures_dir, "golden.json"), "w") as f:
        json.dump(golden, f)
    # scheduler: the t grid for 25 steps and one guided Euler step
    steps, guidance = 25, 4.0
    ts = torch.linspace(1, 0, steps + 1)
    g = torch.Generator().manual_seed(1)
    x, v_u, v_c = (torch.randn(1, 3, 4, 4, generator=g) for _ in range(3))
    i = 10
    t_i, t_next = ts[i], ts[i + 1]
    v_hat = v_u + guidance * (v_c - v_u)
    x_next = x + (t_next - t_i) * v_hat
    x0_hat = x - t_i * v_hat
    r = lambda a: [float(v) for v in a.flatten()]
    sched = {"kind": "rectified-flow-euler", "steps": steps, "t": r(ts),
             "timestep": r(ts * 1000),
             "note": "t_i = linspace(1, 0, steps+1); timestep input = t*1000; v_hat = v_u + g*(v_c - v_u); "
                     "x_next = x + (t_next - t_i)*v_hat; x0_hat = x - t_i*v_hat. Arrays are NCHW row-major.",
             "step": {"shape": [1, 3, 4, 4], "guidance": guidance, "i": i, "t_i": float(t_i), "t_next": float(t_next),
                      "x": r(x), "v_u": r(v_u), "v_c": r(v_c), "v_hat": r(v_hat), "x_next": r(x_next),
                      "x0_hat": r(x0_hat)}}
    with open(os.path.join(fixtures_dir, "scheduler.json"), "w") as f:
        json.dump(sched, f, indent=1)


# -----------------------------------------------------------------------------

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
        "defaults": {"steps": 25, "guidance": 4, "seed": 0},
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
            "objective": f"rectified flow, velocity prediction, CFG dropout {cfg.cond_dropout}, EMA {cfg.ema_decay}",
            "textEncoderNote": "phrase-scoped self-attention: each word attends only within its 'and'-separated phrase",
            "eval": ev,
        },
    }


def export(run, out, fixtures_dir=None, quiet=False, verify=True, int8=True):
    """Writes the package; with int8 (default) also the int8-convolution UNet for WASM (quantize.py,
    dynamic recipe) as manifest `unetInt8`."""
    model, cfg, ck = load_model(run, "ema")
    os.makedirs(out, exist_ok=True)
    export_onnx(model, out)
    set_io_shapes(out, model)
    problems = check_onnx(out, model)
    if problems:
        raise SystemExit("export does not satisfy the contract:\n  " + "\n  ".join(problems))
    man = manifest(model, cfg, ck, run)
    if cfg.world == "v2":
        man = world_v2_manifest(man, cfg)
    ev2 = os.path.join(run, "eval_v2.json") if os.path.isdir(run) else None
    if ev2 and os.path.exists(ev2):  # world v2's harder set (eval.py --set v2|both)
        with open(ev2) as f:
            man["training"]["evalV2"] = json.load(f)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(man, f, indent=2)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(out, n)) for n in ("manifest.json", "text_encoder.onnx", "unet.onnx"))
    if size > MAX_PACKAGE_BYTES:
        raise SystemExit(f"package is {size / 2**20:.1f} MiB > 16 MiB")
    with tempfile.TemporaryDirectory() as tmp:
        fdir = fixtures_dir or tmp
        write_fixtures(model, fdir)
        diffs = verify_with_ort(out, os.path.join(fdir, "golden.json")) if verify else None
    if diffs is not None and max(diffs.values()) > 1e-4:
        raise SystemExit(f"ONNX (onnxruntime-node) differs from PyTorch by more than 1e-4: {diffs}")
    if int8:
        from quantize import write_int8
        write_int8(out)
        with open(os.path.join(out, "manifest.json")) as f:
            man = json.load(f)
    if not quiet:
        print(f"wrote {out} ({size / 2**20:.2f} MiB, step {ck['step']}, onnx.checker ok)"
              + (f" and fixtures in {fixtures_dir}" if fixtures_dir else ""))
        if diffs is None:
            print("onnxruntime-node not available: ONNX-vs-PyTorch comparison skipped")
        else:
            print(f"onnxruntime-node vs PyTorch, max abs diff: {max(diffs.values()):.2e} over {len(diffs)} tensors")
    return man


def verify_with_ort(pkg, golden):
    """Run the package in onnxruntime-node on the golden inputs; {tensor: max abs diff} or None if
    node / onnxruntime-node are unavailable (Python has no onnxruntime here)."""
    node = shutil.which("node")
    if node is None or not os.path.isdir(os.path.join(REPO, "node_modules", "onnxruntime-node")):
        return None
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "verify_onnx.mjs")
    r = subprocess.run([node, script, os.path.abspath(pkg), os.path.abspath(golden)], cwd=REPO,
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        raise SystemExit(f"onnxruntime-node check failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="run directory (or a checkpoint file)")
    ap.add_argument("--out", default=os.path.join(REPO, "public", "models", "scenes"))
    ap.add_argument("--fixtures", default=os.path.join(REPO, "test", "fixtures"))
    ap.add_argument("--no-fixtures", action="store_true")
    ap.add_argument("--no-int8", action="store_true", help="skip the int8 UNet for WASM (training/quantize.py)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    export(args.run, args.out, None if args.no_fixtures else args.fixtures, int8=not args.no_int8)


if __name__ == "__main__":
    main()
