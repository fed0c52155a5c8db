"""
The two ONNX graphs of a model package (text_encoder.onnx, unet.onnx) and the contract they must meet:
input and output names, dtypes and shapes (docs/ARCHITECTURE.md, "The model package"). export.py and
import_onnx.py write them with export_onnx.
"""

import os
import warnings

import torch
import torch.nn as nn

from worlds import world_of

OPSET = 17


class UNetExport(nn.Module):
    """UNet with a flat output tuple: model_output, then every attention output in manifest order."""

    def __init__(self, unet):
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, text_embeddings):
        out, attn = self.unet(sample, timestep, text_embeddings)
        return (out, *attn.values())

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
    world = world_of(model)  # v1 or v2 tokenizer: T differs
    ids = torch.tensor([world.tokenize("a red circle on the left and a blue square on the right"),
                        world.tokenize("")], dtype=torch.long)
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
