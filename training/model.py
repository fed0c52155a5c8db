"""
Wordlight's embedded text-to-image model:
1) TextEncoder (text_encoder.py): a tiny word-level transformer whose self-attention is phrase-scoped (a
   word only attends to the words of its own "and"-separated phrase), so each word knows which object it names.
2) UNet (here): a tiny pixel-space 32x32 UNet with timestep conditioning and hand-written cross-attention to
   the text at 16x16 and 8x8 (which levels of the down, mid and up paths: ModelConfig). Every
   cross-attention returns the post-softmax probabilities it really multiplied with V, shape
   (B, heads, h*w, T), for the explorer.
There is no loss on attention: the maps emerge from denoising (rectified flow velocity) alone.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from text_encoder import TextEncoder


@dataclass
class ModelConfig:
    vocab_size: int = 26  # <pad> <s> <unk> + the 23 words of the scenes grammar
    max_tokens: int = 20  # T: tokens per prompt, start token included
    pad_id: int = 0  # id of <pad>: keys the text encoder never attends to
    and_id: int = 5  # id of "and": increments the phrase id (phrase-scoped self-attention)
    text_dim: int = 128  # D: text embedding width, also the keys/values input of cross-attention
    text_layers: int = 4  # transformer blocks in the text encoder
    text_heads: int = 4  # self-attention heads in the text encoder
    text_mlp: int = 2  # MLP hidden = text_mlp * text_dim
    phrase_scoped: bool = True  # restrict self-attention to the same "and"-separated phrase
    image_size: int = 32  # H = W of the pixel-space image
    in_channels: int = 3  # RGB; two coordinate channels are appended inside forward
    channels: tuple = (32, 64, 128)  # UNet width at 32x32, 16x16, 8x8
    attn_levels: tuple = (1, 2)  # levels (0: 32x32, 1: 16x16, 2: 8x8) with cross-attention on the down path;
    #                              a level listed twice gets two cross-attentions in a row
    up_attn_levels: tuple = (1, 2)  # the same for the up path
    mid_attn: int = 2  # cross-attentions in the middle block (8x8)
    heads: int = 4  # cross-attention heads everywhere
    groups: int = 8  # GroupNorm groups
    time_dim: int = 128  # timestep embedding width
    # world v2 (scenes_v2.py): phrase rule "v2" starts a phrase at "and", an article, a relation word or
    # "on a" (the background phrase), so "A, B and C" and "A above B" split per object without commas
    phrase_rule: str = "and"  # "and" (v1: phrase id = count of "and") | "v2"
    article_ids: tuple = ()  # ids of "a", "an" (v2)
    on_id: int = -1  # id of "on" (v2: "on" followed by an article starts the background phrase)
    relation_ids: tuple = ()  # ids of "above", "below", "to": each starts a relation phrase (v2)
    relation_scope: str = "objects"  # v2: what relation words attend to: "objects" (every word of the
    #                                   prompt) or "own" (their own phrase); object words always see them
    guidance_embed: bool = False  # guidance-distilled student: the guidance scale is an input, embedded
    #                               like the timestep and added to it (training/distill.py)


# -----------------------------------------------------------------------------
# UNet

GUIDANCE_EMBED_SCALE = 50.0  # guidance w (0..20) enters the sinusoidal embedding as w * 50, like t * 1000


def timestep_embedding(t, dim):
    """Sinusoidal embedding of the float timestep t (B,) (already scaled to 0..1000) -> (B, dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)  # (half,)
    args = t[:, None].float() * freqs[None]  # (B, half)
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)  # (B, dim)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))  # (B, cout, H, W)
        h = h + self.temb(temb)[:, :, None, None]  # (B, cout, H, W)
        h = self.conv2(F.silu(self.norm2(h)))  # (B, cout, H, W)
        return h + self.skip(x)


class CrossAttention(nn.Module):
    """Image features attend to the text. Queries from a 1x1 conv of the (normed) features, keys and
    values from the text embeddings, softmax over the T tokens (all of them, pads included, no key
    mask, like Stable Diffusion). Computed in the (B, nh, T, HW) layout, which is ~3x faster on CPU
    than nn.Linear on transposed tensors; returns the very probabilities used, as (B, nh, HW, T)."""

    def __init__(self, c, text_dim, nh, groups):
        super().__init__()
        self.nh = nh
        self.norm = nn.GroupNorm(groups, c)
        self.q = nn.Conv2d(c, c, 1)
        self.k = nn.Linear(text_dim, c)
        self.v = nn.Linear(text_dim, c)
        self.out = nn.Conv2d(c, c, 1)

    def forward(self, x, ctx, control=None):
        """control: None, or (token_scale (B, T) | None, inject (B, nh, HW, T) | None, inject_weight (B, T)
        | None), see apply_control."""
        B, C, H, W = x.shape
        T = ctx.shape[1]
        hs = C // self.nh
        q = self.q(self.norm(x)).reshape(B, self.nh, hs, H * W)  # (B, nh, hs, HW)
        k = self.k(ctx).reshape(B, T, self.nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = self.v(ctx).reshape(B, T, self.nh, hs).permute(0, 2, 3, 1)  # (B, nh, hs, T)
        scores = (k @ q) * (1.0 / math.sqrt(hs))  # (B, nh, T, HW)
        probs = scores.softmax(dim=2)  # (B, nh, T, HW), sums to 1 over T
        if control is not None:
            probs = apply_control(probs, *control)  # (B, nh, T, HW)
        y = (v @ probs).reshape(B, C, H, W)  # (B, nh, hs, HW) -> (B, C, H, W)
        return x + self.out(y), probs.transpose(2, 3)  # probs as (B, nh, HW, T), HW row-major y*W+x


def apply_control(probs, token_scale=None, inject=None, inject_weight=None):
    """Prompt-to-prompt control of post-softmax cross-attention probabilities probs (B, nh, T, HW):
    first the injection, probs + w * (inject - probs) per token (w = inject_weight (B, T): 0 keeps the
    model's own map, 1 takes the injected one; inject (B, nh, HW, T) is given in the layout of the
    attention outputs), then the reweighting, probs * token_scale (B, T). No renormalisation over T,
    as in prompt-to-prompt's AttentionReweight: renormalising would hand a silenced word's mass to the
    other tokens (mostly the start token) and make x2 on one word shrink every other word instead of
    making that word's values count twice. With token_scale = 1 and inject_weight = 0 both are exact
    no-ops in float32 (p * 1 = p, p + 0 * (q - p) = p for finite q)."""
    if inject is not None and inject_weight is not None:
        probs = probs + inject_weight[:, None, :, None] * (inject.transpose(2, 3) - probs)
    if token_scale is not None:
        probs = probs * token_scale[:, None, :, None]
    return probs


def attn_key(lvl, i):
    """ModuleDict key of the i-th cross-attention at a level ("1", then "1_1", ...; the first keeps the
    plain level so that older checkpoints load)."""
    return str(lvl) if i == 0 else f"{lvl}_{i}"


class UNet(nn.Module):
    """sample (B, 3, 32, 32), timestep (B,) in 0..1000, text_embeddings (B, T, D)
    -> model_output (B, 3, 32, 32) (the velocity eps - x0), {attn_<place>_<block>_<index>: (B, nh, h*w, T)}."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        ch, g, td, nh, D = cfg.channels, cfg.groups, cfg.time_dim, cfg.heads, cfg.text_dim
        self.time_mlp = nn.Sequential(nn.Linear(td, td), nn.SiLU(), nn.Linear(td, td))
        if cfg.guidance_embed:  # zero last layer: a fresh student computes exactly its teacher's v_c
            self.guidance_mlp = nn.Sequential(nn.Linear(td, td), nn.SiLU(), nn.Linear(td, td))
            nn.init.zeros_(self.guidance_mlp[2].weight)
            nn.init.zeros_(self.guidance_mlp[2].bias)
        s = torch.linspace(-1, 1, cfg.image_size)
        yy, xx = torch.meshgrid(s, s, indexing="ij")
        self.register_buffer("coords", torch.stack([xx, yy])[None], persistent=False)  # (1, 2, H, W)
        self.conv_in = nn.Conv2d(cfg.in_channels + 2, ch[0], 3, padding=1)
        # down path: one ResBlock (+ cross-attention) per level, strided conv between levels
        self.down_res, self.down_attn, self.downsample = nn.ModuleList(), nn.ModuleDict(), nn.ModuleList()
        cin = ch[0]
        for lvl, c in enumerate(ch):
            self.down_res.append(ResBlock(cin, c, td, g))
            for i in range(cfg.attn_levels.count(lvl)):
                self.down_attn[attn_key(lvl, i)] = CrossAttention(c, D, nh, g)
            if lvl < len(ch) - 1:
                self.downsample.append(nn.Conv2d(c, c, 3, stride=2, padding=1))
            cin = c
        # middle (lowest resolution): ResBlock, then the cross-attention(s)
        self.mid_res = ResBlock(ch[-1], ch[-1], td, g)
        self.mid_attn = nn.ModuleList([CrossAttention(ch[-1], D, nh, g) for _ in range(cfg.mid_attn)])
        # up path: ResBlock on [features, skip] (+ cross-attention), nearest 2x upsample between levels
        # (no conv after the upsample: the next ResBlock's convs follow at once; measured ~10% faster)
        self.up_res, self.up_attn = nn.ModuleList(), nn.ModuleDict()
        cin = ch[-1]
        for lvl in reversed(range(len(ch))):
            c = ch[lvl]
            self.up_res.append(ResBlock(cin + c, c, td, g))
            for i in range(cfg.up_attn_levels.count(lvl)):
                self.up_attn[attn_key(lvl, i)] = CrossAttention(c, D, nh, g)
            cin = c
        self.norm_out = nn.GroupNorm(g, ch[0])
        self.conv_out = nn.Conv2d(ch[0], cfg.in_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def attention_layout(self):
        """[(name, place, block, index, (h, w))] in output order."""
        out, n = [], len(self.cfg.channels)
        res = lambda lvl: (self.cfg.image_size >> lvl, self.cfg.image_size >> lvl)
        for lvl in range(n):
            for i in range(self.cfg.attn_levels.count(lvl)):
                out.append((f"attn_down_{lvl}_{i}", "down", lvl, i, res(lvl)))
        for i in range(self.cfg.mid_attn):
            out.append((f"attn_mid_0_{i}", "mid", 0, i, res(n - 1)))
        for lvl in reversed(range(n)):
            for i in range(self.cfg.up_attn_levels.count(lvl)):
                out.append((f"attn_up_{lvl}_{i}", "up", lvl, i, res(lvl)))
        return out

    def forward(self, sample, timestep, text_embeddings, token_scale=None, inject=None, inject_weight=None,
                guidance=None):
        """token_scale (B, T), inject {attention output name: (B, nh, h*w, T)}, inject_weight (B, T): the
        optional prompt-to-prompt control of every cross-attention (apply_control); None = no control.
        guidance (B,): the guidance scale, an input of guidance-distilled models only (distill.py)."""
        B = sample.shape[0]
        use = token_scale is not None or inject is not None

        def ctl(name):
            return (token_scale, (inject or {}).get(name), inject_weight) if use else None

        temb = self.time_mlp(timestep_embedding(timestep, self.cfg.time_dim))  # (B, td)
        if self.cfg.guidance_embed:
            g = timestep_embedding(guidance * GUIDANCE_EMBED_SCALE, self.cfg.time_dim)  # (B, td)
            temb = temb + self.guidance_mlp(g)  # (B, td)
        x = torch.cat([sample, self.coords.expand(B, -1, -1, -1)], dim=1)  # (B, 5, H, W)
        x = self.conv_in(x)  # (B, ch0, H, W)
        attn, skips = {}, []
        for lvl, res in enumerate(self.down_res):
            x = res(x, temb)  # (B, c, H >> lvl, W >> lvl)
            for i in range(self.cfg.attn_levels.count(lvl)):
                name = f"attn_down_{lvl}_{i}"
                x, attn[name] = self.down_attn[attn_key(lvl, i)](x, text_embeddings, ctl(name))
            skips.append(x)
            if lvl < len(self.downsample):
                x = self.downsample[lvl](x)  # (B, c, H >> lvl+1, W >> lvl+1)
        x = self.mid_res(x, temb)  # (B, ch[-1], h, w)
        for i, a in enumerate(self.mid_attn):
            x, attn[f"attn_mid_0_{i}"] = a(x, text_embeddings, ctl(f"attn_mid_0_{i}"))
        for j, res in enumerate(self.up_res):
            lvl = len(self.up_res) - 1 - j
            x = res(torch.cat([x, skips[lvl]], dim=1), temb)  # (B, c, H >> lvl, W >> lvl)
            for i in range(self.cfg.up_attn_levels.count(lvl)):
                name = f"attn_up_{lvl}_{i}"
                x, attn[name] = self.up_attn[attn_key(lvl, i)](x, text_embeddings, ctl(name))
            if lvl > 0:
                x = F.interpolate(x, scale_factor=2.0, mode="nearest")  # (B, c, 2h, 2w)
        out = self.conv_out(F.silu(self.norm_out(x)))  # (B, 3, H, W)
        return out, {name: attn[name] for name, *_ in self.attention_layout()}


class TextToImage(nn.Module):
    """The pair, trained together. Exported as two ONNX graphs (text encoder, UNet)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.text = TextEncoder(cfg)
        self.unet = UNet(cfg)

    def forward(self, sample, timestep, input_ids, guidance=None):
        return self.unet(sample, timestep, self.text(input_ids), guidance=guidance)


def count_params(m):
    return sum(p.numel() for p in m.parameters())


# -----------------------------------------------------------------------------
# rectified flow sampler (Euler + classifier-free guidance); the TypeScript runtime mirrors it

@torch.no_grad()
def sample(model, input_ids, uncond_ids, steps=25, guidance=4.0, generator=None, x=None, keep_attn=False):
    """input_ids, uncond_ids: (B, T). Returns final x (B, 3, 32, 32) and, if keep_attn, a list per step
    of the conditional attention dicts {name: (B, nh, h*w, T)}."""
    B = input_ids.shape[0]
    size = model.cfg.image_size
    if x is None:
        x = torch.randn(B, model.cfg.in_channels, size, size, generator=generator)  # x at t = 1: noise
    ts = torch.linspace(1, 0, steps + 1)
    record = []
    if model.cfg.guidance_embed:  # guidance-distilled: one batch-B pass per step, guidance as an input
        ctx = model.text(input_ids)  # (B, T, D)
        w = torch.full((B,), float(guidance))  # (B,)
        for i in range(steps):
            v, attn = model.unet(x, ts[i].repeat(B) * 1000, ctx, guidance=w)  # (B, 3, H, W)
            x = x + (ts[i + 1] - ts[i]) * v
            if keep_attn:
                record.append(attn)
        return x, record
    ctx = model.text(torch.cat([input_ids, uncond_ids]))  # (2B, T, D)
    for i in range(steps):
        t = ts[i].repeat(2 * B) * 1000  # (2B,)
        v, attn = model.unet(torch.cat([x, x]), t, ctx)  # (2B, 3, H, W)
        v_c, v_u = v[:B], v[B:]
        v_hat = v_u + guidance * (v_c - v_u)
        x = x + (ts[i + 1] - ts[i]) * v_hat
        if keep_attn:
            record.append({k: a[:B] for k, a in attn.items()})
    return x, record


if __name__ == "__main__":
    cfg = ModelConfig()
    m = TextToImage(cfg)
    print(f"text encoder {count_params(m.text):,}  unet {count_params(m.unet):,}  total {count_params(m):,}")
    ids = torch.randint(0, cfg.vocab_size, (2, cfg.max_tokens))
    out, attn = m(torch.randn(2, 3, 32, 32), torch.rand(2) * 1000, ids)
    print(out.shape, {k: tuple(v.shape) for k, v in attn.items()})
