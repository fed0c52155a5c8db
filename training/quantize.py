"""
Int8 convolutions for onnxruntime-web's WASM backend: a second UNet file beside the fp32 one (the
engine's provider table picks it for WASM; WebGPU keeps fp32).

    /usr/bin/python3 training/quantize.py --package public/models/scenes                 # dynamic (default)
    /usr/bin/python3 training/quantize.py --package public/models/scenes --mode static --run <run>

Two recipes, both written with the `onnx` package (Debian has no onnxruntime Python wheel, so no
onnxruntime.quantization here):
- dynamic: every inner Conv (not conv_in, whose 5 input channels carry the coordinates, nor conv_out,
  which writes the velocity) becomes DynamicQuantizeLinear (uint8 activations, per tensor, per run)
  -> ConvInteger (uint8 weights: symmetric per output channel, stored + 128 with one scalar zero point,
  as ORT's ConvInteger wants a per-tensor zero point) -> Cast -> Mul (activation scale x per-channel
  weight scale) -> Add bias. Needs no calibration.
- static: QuantizeLinear -> QLinearConv (per-channel int8 weights, int32 bias) -> DequantizeLinear,
  with activation ranges calibrated by running the PyTorch model of `--run` (same weights) on 32
  training-distribution captions over a whole 25-step guided sampling trajectory.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SKIP = ("conv_in", "conv_out")  # first and last convolution stay fp32
INT8_FILE = "unet.int8.onnx"


def _conv_nodes(graph, skip=SKIP):
    inits = {i.name for i in graph.initializer}
    return [n for n in graph.node if n.op_type == "Conv" and len(n.input) >= 2 and n.input[1] in inits
            and not any(f".{s}." in n.input[1] or n.input[1].startswith(f"unet.{s}.") for s in skip)]


def _weights(graph, node):
    from onnx import numpy_helper
    inits = {i.name: i for i in graph.initializer}
    w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)  # (O, I, kh, kw)
    b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float32) if len(node.input) > 2 else None
    return w, b


def _per_channel_scale(w):
    return np.maximum(np.abs(w).reshape(w.shape[0], -1).max(axis=1), 1e-8) / 127.0  # (O,)


def quantize_dynamic(model):
    """Returns a new ModelProto whose inner Convs run as ConvInteger on uint8 (see the module doc)."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    g = model.graph
    convs = _conv_nodes(g)
    new_inits, qx = [], {}  # qx: input name -> (xq, x_scale, x_zp): one DynamicQuantizeLinear per tensor
    replace = {}
    for node in convs:
        w, b = _weights(g, node)
        s = _per_channel_scale(w)
        wq = (np.clip(np.round(w / s[:, None, None, None]), -127, 127) + 128).astype(np.uint8)
        base = node.input[1].rsplit(".weight", 1)[0]
        new_inits += [numpy_helper.from_array(wq, f"{base}.weight_u8"),
                      numpy_helper.from_array(np.array(128, np.uint8), f"{base}.weight_zp"),
                      numpy_helper.from_array(s.reshape(-1, 1, 1).astype(np.float32), f"{base}.weight_scale")]
        x = node.input[0]
        nodes = []
        if x not in qx:
            qx[x] = (f"{x}__xq", f"{x}__xscale", f"{x}__xzp")
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(qx[x]), name=f"{x}_dql"))
        xq, xs, xzp = qx[x]
        y = node.output[0]
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        nodes += [
            helper.make_node("ConvInteger", [xq, f"{base}.weight_u8", xzp, f"{base}.weight_zp"], [f"{y}__i32"],
                             name=f"{node.name}_int", **attrs),
            helper.make_node("Cast", [f"{y}__i32"], [f"{y}__f"], to=TensorProto.FLOAT, name=f"{node.name}_cast"),
            helper.make_node("Mul", [xs, f"{base}.weight_scale"], [f"{y}__scale"], name=f"{node.name}_scale"),
            helper.make_node("Mul", [f"{y}__f", f"{y}__scale"], [f"{y}__nobias" if b is not None else y],
                             name=f"{node.name}_mul"),
        ]
        if b is not None:
            new_inits.append(numpy_helper.from_array(b.reshape(-1, 1, 1), f"{base}.bias_c11"))
            nodes.append(helper.make_node("Add", [f"{y}__nobias", f"{base}.bias_c11"], [y], name=f"{node.name}_bias"))
        replace[id(node)] = nodes
    return _rebuild(model, replace, new_inits, {n.input[1] for n in convs} | {n.input[2] for n in convs if len(n.input) > 2})


def quantize_static(model, ranges):
    """QLinearConv with calibrated activation ranges: ranges {conv weight name: (in_min, in_max, out_min,
    out_max)}. uint8 activations (asymmetric, per tensor), int8 weights (symmetric, per channel)."""
    from onnx import helper, numpy_helper
    g = model.graph
    convs = _conv_nodes(g)
    new_inits, replace, qx = [], {}, {}

    def qparams(lo, hi):
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        scale = max(hi - lo, 1e-8) / 255.0
        return np.float32(scale), np.uint8(np.clip(np.round(-lo / scale), 0, 255))

    for node in convs:
        w, b = _weights(g, node)
        base = node.input[1].rsplit(".weight", 1)[0]
        in_lo, in_hi, out_lo, out_hi = ranges[node.input[1]]
        xs, xz = qparams(in_lo, in_hi)
        ys, yz = qparams(out_lo, out_hi)
        s = _per_channel_scale(w).astype(np.float32)
        wq = np.clip(np.round(w / s[:, None, None, None]), -127, 127).astype(np.int8)
        bias = np.zeros(w.shape[0], np.float32) if b is None else b
        bq = np.round(bias / (xs * s)).astype(np.int32)
        x = node.input[0]
        new_inits += [numpy_helper.from_array(wq, f"{base}.weight_s8"),
                      numpy_helper.from_array(s, f"{base}.weight_scale"),
                      numpy_helper.from_array(np.zeros(w.shape[0], np.int8), f"{base}.weight_zp"),
                      numpy_helper.from_array(bq, f"{base}.bias_s32"),
                      numpy_helper.from_array(np.array(ys, np.float32), f"{base}.y_scale"),
                      numpy_helper.from_array(np.array(yz, np.uint8), f"{base}.y_zp")]
        nodes = []
        key = (x, float(xs), int(xz))
        if key not in qx:  # one QuantizeLinear per (tensor, scale)
            qx[key] = (f"{base}.x_u8", f"{base}.x_scale", f"{base}.x_zp")
            new_inits += [numpy_helper.from_array(np.array(xs, np.float32), f"{base}.x_scale"),
                          numpy_helper.from_array(np.array(xz, np.uint8), f"{base}.x_zp")]
            nodes.append(helper.make_node("QuantizeLinear", [x, f"{base}.x_scale", f"{base}.x_zp"],
                                          [f"{base}.x_u8"], name=f"{node.name}_q"))
        xq, xsn, xzn = qx[key]
        y = node.output[0]
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        nodes += [
            helper.make_node("QLinearConv", [xq, xsn, xzn, f"{base}.weight_s8", f"{base}.weight_scale",
                                             f"{base}.weight_zp", f"{base}.y_scale", f"{base}.y_zp",
                                             f"{base}.bias_s32"], [f"{y}__u8"], name=f"{node.name}_qlinear", **attrs),
            helper.make_node("DequantizeLinear", [f"{y}__u8", f"{base}.y_scale", f"{base}.y_zp"], [y],
                             name=f"{node.name}_dq"),
        ]
        replace[id(node)] = nodes
    return _rebuild(model, replace, new_inits, {n.input[1] for n in convs} | {n.input[2] for n in convs if len(n.input) > 2})


def _rebuild(model, replace, new_inits, dropped_inits):
    import onnx
    from onnx import helper
    g = model.graph
    nodes = []
    for n in g.node:
        nodes += replace.get(id(n), [n])
    used = {i for n in nodes for i in n.input}
    inits = [i for i in g.initializer if i.name not in dropped_inits or i.name in used] + new_inits
    graph = helper.make_graph(nodes, g.name, g.input, g.output, inits, value_info=[])
    out = helper.make_model(graph, opset_imports=model.opset_import, producer_name="wordlight-quantize")
    out.ir_version = model.ir_version
    onnx.checker.check_model(out)
    return out


def calibrate(run, n=32, steps=25, guidance=4.0, seed=0):
    """{conv weight name (as in the ONNX graph): (in_min, in_max, out_min, out_max)} over whole guided
    sampling trajectories of n training-distribution captions (not the eval prompts), from the
    PyTorch model of `run` (the package's weights)."""
    import torch
    import scenes
    from model import sample
    from checkpoint import load_model
    model, _, _ = load_model(run)
    ranges = {}

    def hook(name):
        def f(mod, inp, out):
            x, y = inp[0], out
            r = ranges.get(name, (np.inf, -np.inf, np.inf, -np.inf))
            ranges[name] = (min(r[0], x.min().item()), max(r[1], x.max().item()),
                            min(r[2], y.min().item()), max(r[3], y.max().item()))
        return f
    for name, mod in model.unet.named_modules():
        if isinstance(mod, torch.nn.Conv2d):
            mod.register_forward_hook(hook(f"unet.{name}.weight"))
    b = scenes.sample_batch(n, np.random.default_rng(seed + 99))
    ids = torch.from_numpy(b.input_ids)
    uncond = torch.tensor(scenes.tokenize_batch([""] * n))
    sample(model, ids, uncond, steps=steps, guidance=guidance, generator=torch.Generator().manual_seed(seed))
    return ranges


def write_int8(package, mode="dynamic", run=None, out_name=INT8_FILE):
    """Quantizes <package>/<manifest unet> into <package>/<out_name> and records it in the manifest as
    `unetInt8` (with the recipe). Returns the output path."""
    import onnx
    man_path = os.path.join(package, "manifest.json")
    manifest = json.load(open(man_path))
    src = onnx.load(os.path.join(package, manifest["unet"]))
    if mode == "dynamic":
        q = quantize_dynamic(src)
    else:
        if not run:
            raise ValueError("--mode static needs --run (the PyTorch run whose activations calibrate it)")
        q = quantize_static(src, calibrate(run))
    path = os.path.join(package, out_name)
    onnx.save(q, path)
    manifest["unetInt8"] = out_name
    manifest["unetInt8Recipe"] = {
        "mode": mode, "skip": list(SKIP),
        "ops": "DynamicQuantizeLinear+ConvInteger (uint8 activations per tensor, per-channel symmetric weights)"
        if mode == "dynamic" else "QuantizeLinear+QLinearConv+DequantizeLinear (calibrated uint8 activations, "
                                  "per-channel int8 weights)",
        "for": ["wasm"],
    }
    with open(man_path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--package", default="public/models/scenes")
    ap.add_argument("--mode", choices=["dynamic", "static"], default="dynamic")
    ap.add_argument("--run", default=None, help="PyTorch run with the package's weights (static: calibration)")
    ap.add_argument("--out-name", default=INT8_FILE)
    args = ap.parse_args()
    try:
        path = write_int8(args.package, args.mode, args.run, args.out_name)
    except (ValueError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"wrote {path} ({os.path.getsize(path):,} bytes, {args.mode})")


if __name__ == "__main__":
    main()
