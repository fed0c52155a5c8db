"""
Grounding term for training on world v2 (TokenCompose, Wang et al., CVPR 2024, its token loss): every
colour and shape word of a caption should put its cross-attention on the pixels of the object it names.

    L_ground = mean over cross-attention layers and grounded tokens of (1 - inside / total)^2

where, for one token of one image, total is the token's attention summed over the layer's pixels (mean over
heads) and inside the part of it that falls on the object's mask, average-pooled to the layer's resolution.
Why: the v2 model drops one of the two objects of a relation prompt (Attend-and-Excite's "catastrophic
neglect": 14 of 20 relation failures at step 2,500) and an object word that attends to no region is what
that failure looks like from inside; Attend-and-Excite repairs it at inference with gradients through the
UNet, which onnxruntime-web cannot give us, so the model learns it instead, from the exact masks every
training image has.
"""

import numpy as np
import torch
import torch.nn.functional as F

GROUNDED_KINDS = ("colour", "shape")  # words whose region is their object's mask (scenes_v2.WORD_KINDS)


def token_masks(batch, word_kinds):
    """Soft target masks of a v2 Batch: (B, T, 32, 32) float, the object mask of every grounded token
    (zeros elsewhere), and (B, T) bool, which tokens are grounded."""
    kinds = np.isin(batch.word_kind, [word_kinds.index(k) for k in GROUNDED_KINDS])  # (B, T)
    kinds &= batch.word_obj >= 0
    obj = np.clip(batch.word_obj, 0, None)  # (B, T) object index of each token (0 where none)
    masks = np.take_along_axis(batch.obj_mask, obj[:, :, None, None], axis=1)  # (B, T, 32, 32)
    masks = masks & kinds[:, :, None, None]
    # a grounded token whose object is fully covered by later ones has nothing to point at
    kinds &= masks.reshape(*masks.shape[:2], -1).any(-1)
    return torch.from_numpy(masks.astype(np.float32)), torch.from_numpy(kinds)


def _layers(attn, masks):
    """Per cross-attention layer: its probabilities (B, hw, T), mean over heads, and the masks pooled to its
    resolution (B, T, hw): the object's share of each cell (layers of one resolution share one pooling)."""
    B, T = masks.shape[:2]
    pooled = {}
    for a in attn.values():
        a = a.mean(1)  # (B, hw, T)
        hw = int(round(a.shape[1] ** 0.5))
        if hw not in pooled:
            pooled[hw] = F.adaptive_avg_pool2d(masks, hw).reshape(B, T, hw * hw)
        yield a, pooled[hw]


def grounding_loss(attn, masks, grounded):
    """attn {layer: (B, nh, hw, T) post-softmax probs}; masks (B, T, 32, 32); grounded (B, T) bool ->
    scalar, the mean of (1 - inside / total)^2 over layers and grounded tokens (0 if none)."""
    if not bool(grounded.any()):
        return next(iter(attn.values())).sum() * 0.0
    terms = []
    for a, m in _layers(attn, masks):
        inside = torch.einsum("bpt,btp->bt", a, m)  # (B, T)
        total = a.sum(1) + 1e-8  # (B, T)
        frac = inside / total  # (B, T) share of the token's attention on its object
        terms.append(((1 - frac) ** 2)[grounded].mean())
    return torch.stack(terms).mean()


def pixel_loss(attn, masks, grounded):
    """TokenCompose's pixel loss: binary cross-entropy between a grounded token's probability at every pixel
    (mean over heads) and its object's mask, mean over layers, tokens and pixels. The token loss above is
    met by a map that peaks inside the object; this one asks the word to cover all of it (and nothing
    else), which is what a thresholded map's IoU measures."""
    if not bool(grounded.any()):
        return next(iter(attn.values())).sum() * 0.0
    terms = []
    for a, m in _layers(attn, masks):
        p = a.transpose(1, 2).clamp(1e-6, 1 - 1e-6)  # (B, T, hw)
        bce = F.binary_cross_entropy(p, m, reduction="none").mean(-1)  # (B, T)
        terms.append(bce[grounded].mean())
    return torch.stack(terms).mean()
