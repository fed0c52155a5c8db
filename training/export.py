"""
Export a trained run to Wordlight's model package (docs/ARCHITECTURE.md, "The model package"):

    /usr/bin/python3 training/export.py --run training/runs/default --out public/models/scenes

writes <out>/manifest.json, <out>/text_encoder.onnx, <out>/unet.onnx (opset 17, dynamic batch, EMA
weights, fp32), <out>/unet.int8.onnx (int8 convolutions for WASM, training/quantize.py; --no-int8
skips it) and, unless --no-fixtures, the golden fixtures test/fixtures/golden.json (inputs and
PyTorch outputs, every attention tensor included) and test/fixtures/scheduler.json. A guidance-
distilled run (distill.py) exports with a `guidance` input and the manifest's `guidance` block.

The parts: onnx_export.py (the graphs and their contract), manifest.py, fixtures.py; this file runs them in
order, checks the package's size and runs it in onnxruntime-node against the fixtures.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checkpoint import load_model  # noqa: E402
from fixtures import write_fixtures  # noqa: E402
from manifest import distilled_manifest, manifest, world_v2_manifest  # noqa: E402
from onnx_export import check_onnx, export_onnx, set_io_shapes  # noqa: E402

MAX_PACKAGE_BYTES = 16 * 1024 * 1024
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    if cfg.model.guidance_embed:
        man = distilled_manifest(man, ck)
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
    diffs = write_and_verify_fixtures(model, out, fixtures_dir, verify)
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


def write_and_verify_fixtures(model, pkg, fixtures_dir=None, verify=True):
    """Writes model's golden fixtures (into fixtures_dir, else a temporary folder) and, with verify, runs the
    package pkg on them in onnxruntime-node: {tensor: max abs diff}, or None (not asked, or no node)."""
    with tempfile.TemporaryDirectory() as tmp:
        fdir = fixtures_dir or tmp
        write_fixtures(model, fdir)
        return verify_with_ort(pkg, os.path.join(fdir, "golden.json")) if verify else None


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
