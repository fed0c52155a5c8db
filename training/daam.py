"""
Generation with DAAM word maps (Tang et al. 2022, "What the DAAM"), for eval.py and eval_v2.py: the
conditional cross-attention of every layer averaged over heads, bilinear-upsampled to 32x32 and summed over
steps; a word's map (summed over layers) is min-max normalised and thresholded at TAU, and its IoU taken
with the pixels of the object it names. The TypeScript side computes the same maps with
src/attention/word-maps.ts.
"""

import torch
import torch.nn.functional as F

from worlds import world_of

TAU = 0.4


@torch.no_grad()
def generate(model, captions, seed, steps=25, guidance=4.0):
    """Images (B, 3, 32, 32) in [-1, 1] and DAAM heat maps per layer {name: (B, T, 32, 32)}: the
    conditional cross-attention averaged over heads, bilinear-upsampled to 32x32, summed over steps
    (the DAAM map is the sum over layers)."""
    B = len(captions)
    size = model.cfg.image_size
    tokenize_batch = world_of(model).tokenize_batch  # the model's own vocabulary and length
    ids = torch.tensor(tokenize_batch(captions))  # (B, T)
    uncond = torch.tensor(tokenize_batch([""] * B))  # (B, T)
    distilled = model.cfg.guidance_embed  # one conditional pass per step, guidance as an input
    ctx = model.text(ids if distilled else torch.cat([ids, uncond]))  # (B or 2B, T, D)
    x = torch.randn(B, 3, size, size, generator=torch.Generator().manual_seed(seed))  # (B, 3, H, W)
    heat = {}
    ts = torch.linspace(1, 0, steps + 1)
    for i in range(steps):
        if distilled:
            v, attn = model.unet(x, ts[i].repeat(B) * 1000, ctx, guidance=torch.full((B,), float(guidance)))
            x = x + (ts[i + 1] - ts[i]) * v
        else:
            t = ts[i].repeat(2 * B) * 1000  # (2B,)
            v, attn = model.unet(torch.cat([x, x]), t, ctx)
            v_c, v_u = v[:B], v[B:]
            x = x + (ts[i + 1] - ts[i]) * (v_u + guidance * (v_c - v_u))
        for name, a in attn.items():
            a = a[:B].mean(1)  # (B, hw, T), conditional half, mean over heads
            hw = int(round(a.shape[1] ** 0.5))
            a = a.transpose(1, 2).reshape(B, -1, hw, hw)  # (B, T, h, w)
            up = F.interpolate(a, size=(size, size), mode="bilinear", align_corners=False)  # (B, T, 32, 32)
            heat[name] = heat[name] + up if name in heat else up
    return x.clamp(-1, 1), heat


def daam_layers(layout):
    """Names of the layers DAAM's reference implementation would aggregate: not the middle block, not
    the lowest resolution. layout: UNet.attention_layout()."""
    lowest = min(h * w for *_, (h, w) in layout)
    return [n for n, place, _, _, (h, w) in layout if place != "mid" and h * w > lowest]


def word_iou(heat, mask):
    """heat (32, 32) summed map of one word; mask bool (32, 32) -> IoU of the tau-thresholded map."""
    lo, hi = heat.min(), heat.max()
    m = (heat - lo) / (hi - lo + 1e-12) >= TAU
    inter, union = (m & mask).sum(), (m | mask).sum()
    return float(inter / union) if union else 0.0
