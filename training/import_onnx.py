"""
Rebuild a trainable PyTorch checkpoint from an exported model package, so a shipped model can be
evaluated or fine-tuned on a machine that never had its training run directory:

    /usr/bin/python3 training/import_onnx.py --package public/models/scenes --out training/runs/imported

The shipped model is a fine-tune of the `gpu` run, whose run directory did not survive; its package is
in git history (see training/README.md for the commands that rebuild training/runs/gpu from it).

The ONNX graphs keep most parameters under their PyTorch names; the exporter folds the rest into
anonymous initializers (Linear weights become transposed MatMul constants, GroupNorm's affine becomes
(C, 1, 1) Mul/Add constants). To map those back we export the same architecture with random weights,
find each anonymous initializer's source parameter by its values (a transpose or reshape keeps the
multiset of values), and read the shipped package's initializer of the same name. The checkpoint is
written only if the rebuilt model reproduces the package's golden fixture (--golden) within 1e-4; a
package exported without fixtures (the world-v2 ones) is checked with `--golden ort` instead: the
rebuilt model writes fixtures and onnxruntime-node runs the package on them (export.py's own check).
"""

import argparse
import dataclasses
import json
import os
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkpoint import save_checkpoint  # noqa: E402
from config import PRESETS, config_from_dict  # noqa: E402
from model import TextToImage  # noqa: E402
from onnx_export import UNetExport, export_onnx  # noqa: E402


def model_config_from_manifest(manifest):
    """The ModelConfig recorded in the manifest (training.modelConfig), or the default one."""
    return config_from_dict({"model": manifest.get("training", {}).get("modelConfig") or {}}).model


def initializers(path):
    import onnx
    from onnx import numpy_helper
    g = onnx.load(path).graph
    return {i.name: numpy_helper.to_array(i).astype(np.float32) for i in g.initializer}


def param_sources(module, probe_inits):
    """{initializer name: (parameter name, how)} for a module exported with random weights, where how is
    'same', 'T' (transposed 2-D) or 'reshape'."""
    params = {k: v.detach().numpy() for k, v in module.state_dict().items()}
    by_sorted = {}
    for k, v in params.items():
        by_sorted.setdefault((v.size, float(np.sort(v.ravel())[: min(8, v.size)].sum())), []).append(k)
    out = {}
    for name, arr in probe_inits.items():
        if name in params and params[name].shape == arr.shape and np.array_equal(params[name], arr):
            out[name] = (name, "same")
            continue
        key = (arr.size, float(np.sort(arr.ravel())[: min(8, arr.size)].sum()))
        for cand in by_sorted.get(key, []):
            p = params[cand]
            if p.ndim == 2 and arr.shape == p.shape[::-1] and np.array_equal(p.T, arr):
                out[name] = (cand, "T")
            elif p.ndim == 1 and np.array_equal(p, arr.ravel()):
                out[name] = (cand, "reshape")
    return out


def rebuild(package):
    """TextToImage with the package's weights, and its ModelConfig."""
    manifest = json.load(open(os.path.join(package, "manifest.json")))
    cfg = model_config_from_manifest(manifest)
    torch.manual_seed(0)
    probe = TextToImage(cfg).eval()
    with torch.no_grad():  # distinct random values everywhere, so every initializer has one source
        for p in probe.parameters():
            p.copy_(torch.randn_like(p))
    model = TextToImage(cfg).eval()
    state = model.state_dict()
    with tempfile.TemporaryDirectory() as tmp:
        export_onnx(probe, tmp, control="control" in manifest)  # the contract version the package has
        for file, module, prefix in (("text_encoder.onnx", probe.text, "text."),
                                     ("unet.onnx", probe.unet, "unet.")):
            probe_inits = initializers(os.path.join(tmp, file))
            shipped = initializers(os.path.join(package, file))
            if set(probe_inits) != set(shipped):
                raise RuntimeError(f"{file}: initializer names differ from this architecture's export "
                                   f"(exported by another torch version or config?)")
            # the UNet graph is exported through UNetExport, whose parameters are prefixed "unet."
            sources = param_sources(UNetExport(module) if prefix == "unet." else module, probe_inits)
            seen = set()
            for name, (src, how) in sources.items():
                key = src if prefix == "unet." else prefix + src
                arr = shipped[name]
                value = arr.T if how == "T" else arr.reshape(state[key].shape)
                state[key] = torch.from_numpy(np.ascontiguousarray(value))
                seen.add(key)
            missing = [k for k in state if k.startswith(prefix) and k not in seen]
            if missing:
                raise RuntimeError(f"{file}: no initializer found for {missing[:5]} ({len(missing)} in all)")
    model.load_state_dict(state)
    return model, cfg, manifest


def check_against_golden(model, golden_path):
    """Max |torch - golden| over text embeddings, model output and attentions of the golden fixture
    (the exporter wrote it from the same weights, in PyTorch)."""
    import base64
    g = json.load(open(golden_path))

    def arr(d):
        return np.frombuffer(base64.b64decode(d["data_b64"]), dtype=np.float32).reshape(d["shape"])

    ids = torch.tensor(g["input_ids"])
    with torch.no_grad():
        ctx = model.text(ids)
        out, attn = model.unet(torch.from_numpy(arr(g["sample"]).copy()), torch.tensor(g["timestep"]),
                               torch.from_numpy(arr(g["text_embeddings"]).copy()))
    diffs = {"text_embeddings": float(np.abs(ctx.numpy() - arr(g["text_embeddings"])).max()),
             "model_output": float(np.abs(out.numpy() - arr(g["outputs"]["model_output"])).max())}
    for name, a in attn.items():
        diffs[name] = float(np.abs(a.numpy() - arr(g["outputs"][name])).max())
    return diffs


def check_against_ort(model, package):
    """Max |onnxruntime-node(package) - rebuilt PyTorch| per tensor, on fixtures the rebuilt model writes."""
    from export import write_and_verify_fixtures
    diffs = write_and_verify_fixtures(model, package)
    if diffs is None:
        sys.exit("error: --golden ort needs node and node_modules/onnxruntime-node (run npm ci)")
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", default="public/models/scenes")
    ap.add_argument("--golden", default="test/fixtures/golden.json",
                    help="golden fixture written with the package; the rebuilt model must match it "
                         "('ort': the package has none; run it in onnxruntime-node against the rebuilt model)")
    ap.add_argument("--out", required=True, help="run directory to write ckpt.pt into")
    args = ap.parse_args()
    model, cfg, manifest = rebuild(args.package)
    diffs = check_against_ort(model, args.package) if args.golden == "ort" else check_against_golden(model, args.golden)
    worst = max(diffs.values())
    print(json.dumps({k: f"{v:.2e}" for k, v in diffs.items()}))
    if worst > 1e-4:
        sys.exit(f"error: rebuilt model differs from {args.golden} by {worst:.2e} (> 1e-4)")
    # the checkpoint describes the run that made the package (preset, batch), as the manifest says
    t = manifest.get("training", {})
    preset = t.get("preset", "default")
    tcfg = dataclasses.replace(PRESETS.get(preset, PRESETS["default"]), preset=preset, model=cfg,
                               batch_size=int(t.get("batchSize", PRESETS["default"].batch_size)))
    os.makedirs(args.out, exist_ok=True)
    sd = model.state_dict()
    save_checkpoint(dict(step=int(t.get("steps", 0)), model=sd, ema=sd, optimizer=None, numpy_rng=None,
                         torch_rng=torch.get_rng_state(), config=dataclasses.asdict(tcfg),
                         elapsed=float(t.get("wallTimeMinutes", 0)) * 60, losses=[],
                         imported_from=os.path.abspath(args.package), package_training=t,
                         # a fine-tune maps word embeddings by word (train.init_weights_grown): without the
                         # package's own vocabulary it would take v1's and scramble a v2 package's rows
                         vocab=list(manifest["tokenizer"]["vocab"])), args.out)
    print(f"wrote {os.path.join(args.out, 'ckpt.pt')} (step {t.get('steps')}, max |delta| vs golden {worst:.2e})")


if __name__ == "__main__":
    main()
