"""
Golden fixtures of a package (test/fixtures/golden.json, scheduler.json): the inputs and PyTorch outputs
the TypeScript runtime and onnxruntime are checked against, one plain and one controlled UNet step.
"""

import base64
import json
import os

import numpy as np
import torch

from worlds import world_of


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
