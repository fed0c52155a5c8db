"""
The text encoder: a tiny word-level transformer, input_ids int64 (B, T) -> text_embeddings float32 (B, T, D).
Its self-attention is phrase-scoped: a word attends only to the words of its own phrase (v1: the
"and"-separated phrase; v2: the rule in attention_mask_v2), so each word knows which object it names.
Part of model.TextToImage; its settings are ModelConfig's text_* and phrase fields.
"""

import math

import torch
import torch.nn as nn



class SelfAttention(nn.Module):
    def __init__(self, d, nh):
        super().__init__()
        self.nh = nh
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x, allowed):
        B, T, C = x.shape  # (B, T, D)
        q, k, v = self.qkv(x).split(C, dim=2)  # 3 x (B, T, D)
        q = q.reshape(B, T, self.nh, C // self.nh).transpose(1, 2)  # (B, nh, T, hs)
        k = k.reshape(B, T, self.nh, C // self.nh).transpose(1, 2)  # (B, nh, T, hs)
        v = v.reshape(B, T, self.nh, C // self.nh).transpose(1, 2)  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.nh))  # (B, nh, T, T)
        att = att.masked_fill(~allowed[:, None], -1e9)  # every row keeps at least itself: no NaN
        att = att.softmax(dim=-1)
        y = att @ v  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B, T, C)  # (B, T, D)
        return self.proj(y)


class TextBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg.text_dim
        self.ln1 = nn.LayerNorm(d)
        self.attn = SelfAttention(d, cfg.text_heads)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, cfg.text_mlp * d), nn.GELU(), nn.Linear(cfg.text_mlp * d, d))

    def forward(self, x, allowed):
        x = x + self.attn(self.ln1(x), allowed)
        x = x + self.mlp(self.ln2(x))
        return x


class TextEncoder(nn.Module):
    """input_ids int64 (B, T) -> text_embeddings float32 (B, T, D)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.text_dim)
        self.pos = nn.Parameter(torch.zeros(1, cfg.max_tokens, cfg.text_dim))
        nn.init.normal_(self.pos, std=0.02)
        self.blocks = nn.ModuleList([TextBlock(cfg) for _ in range(cfg.text_layers)])
        self.ln_f = nn.LayerNorm(cfg.text_dim)
        self.register_buffer("eye", torch.eye(cfg.max_tokens, dtype=torch.bool), persistent=False)

    def attention_mask(self, ids):
        """allowed[b, i, j]: query token i may attend to key token j. (B, T, T) bool.
        Same phrase (phrase id = number of "and" tokens up to and including the token; the start token
        is in phrase 0) and the key is not <pad>; every token may always attend to itself, so pad
        query rows are never all-masked."""
        phrase = torch.cumsum((ids == self.cfg.and_id).long(), dim=1)  # (B, T)
        key_ok = (ids != self.cfg.pad_id)[:, None, :]  # (B, 1, T)
        if self.cfg.phrase_scoped:
            allowed = (phrase[:, :, None] == phrase[:, None, :]) & key_ok  # (B, T, T)
        else:
            allowed = key_ok.expand(-1, ids.shape[1], -1)  # (B, T, T)
        return allowed | self.eye[None]  # (B, T, T)

    def attention_mask_v2(self, ids):
        """The v2 phrase rule (see ModelConfig). A phrase starts at a token that is "and", an article, a
        relation head or an "on" followed by an article, unless the token before it also qualifies ("and a",
        "on a" are one boundary). Every word may attend to its own phrase and to the relation phrase;
        relation words attend to every word when relation_scope is "objects". (B, T, T) bool."""
        cfg = self.cfg
        isin = lambda x, vals: (x[..., None] == torch.tensor(list(vals), dtype=x.dtype)).any(-1)  # (B, T)
        falses = torch.zeros_like(ids[:, :1], dtype=torch.bool)  # (B, 1)
        art = isin(ids, cfg.article_ids)
        rel = isin(ids, cfg.relation_ids)
        next_art = torch.cat([art[:, 1:], falses], dim=1)
        cand = (ids == cfg.and_id) | art | rel | ((ids == cfg.on_id) & next_art)
        prev = torch.cat([falses, cand[:, :-1]], dim=1)
        start = cand & ~prev
        phrase = torch.cumsum(start.long(), dim=1)  # (B, T)
        same = phrase[:, :, None] == phrase[:, None, :]  # (B, T, T)
        in_rel = (same & rel[:, None, :]).any(dim=2)  # (B, T): the token is in a relation phrase
        key_ok = (ids != cfg.pad_id)[:, None, :]  # (B, 1, T)
        allowed = same | in_rel[:, None, :]
        if cfg.relation_scope == "objects":
            allowed = allowed | in_rel[:, :, None]
        return (allowed & key_ok) | self.eye[None, :ids.shape[1], :ids.shape[1]]

    def forward(self, ids):
        B, T = ids.shape
        allowed = self.attention_mask_v2(ids) if self.cfg.phrase_rule == "v2" else self.attention_mask(ids)  # (B, T, T)
        x = self.tok(ids) + self.pos[:, :T]  # (B, T, D)
        for block in self.blocks:
            x = block(x, allowed)
        return self.ln_f(x)  # (B, T, D)
