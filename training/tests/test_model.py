import math

import pytest
import torch

import scenes
from model import ModelConfig, TextToImage, count_params, timestep_embedding

torch.manual_seed(0)


@pytest.fixture(scope="module")
def model():
    return TextToImage(ModelConfig()).eval()


def test_config_matches_tokenizer():
    cfg = ModelConfig()
    assert cfg.vocab_size == len(scenes.VOCAB) and cfg.max_tokens == scenes.MAX_TOKENS
    assert cfg.pad_id == scenes.PAD and cfg.and_id == scenes.AND


def test_parameter_budget(model):
    assert 1.5e6 <= count_params(model) <= 2.6e6


def test_attention_outputs(model):
    B = 3
    ids = torch.tensor(scenes.tokenize_batch(["a big red circle on the left and a small blue square on the right",
                                              "", "zebra " * 30]))
    with torch.no_grad():
        ctx = model.text(ids)
        out, attn = model.unet(torch.randn(B, 3, 32, 32), torch.tensor([0.0, 500.0, 1000.0]), ctx)
    assert ctx.shape == (B, 20, 128) and torch.isfinite(ctx).all()
    assert out.shape == (B, 3, 32, 32)
    names = [n for n, *_ in model.unet.attention_layout()]
    assert list(attn) == names == ["attn_down_1_0", "attn_down_2_0", "attn_mid_0_0", "attn_mid_0_1",
                                   "attn_up_2_0", "attn_up_1_0"]
    for name, place, block, index, (h, w) in model.unet.attention_layout():
        a = attn[name]
        assert name == f"attn_{place}_{block}_{index}"
        assert a.shape == (B, 4, h * w, 20)
        assert (a >= 0).all()
        assert torch.allclose(a.sum(-1), torch.ones(B, 4, h * w), atol=1e-5)


def test_phrase_scoped_self_attention(model):
    """A word of the first phrase never sees the second phrase, and vice versa; pads see nothing."""
    a = scenes.tokenize("a red circle on the left and a blue square on the right")
    b = scenes.tokenize("a red circle on the left and a green triangle on the right")
    c = scenes.tokenize("a yellow square on the left and a blue square on the right")
    with torch.no_grad():
        ea, eb, ec = model.text(torch.tensor([a, b, c]))
    n1 = 1 + 6  # <s> + "a red circle on the left"
    assert torch.allclose(ea[:n1], eb[:n1], atol=1e-6)  # first phrase untouched by the second
    assert not torch.allclose(ea[n1:], eb[n1:], atol=1e-4)
    assert torch.allclose(ea[n1 + 1:13], ec[n1 + 1:13], atol=1e-6)  # "a blue square on the right" untouched
    # the mask itself: no all-masked rows (pads attend to themselves)
    ids = torch.tensor([a, scenes.tokenize("")])
    allowed = model.text.attention_mask(ids)
    assert allowed.any(-1).all()
    assert not allowed[0, 3, n1 + 2]  # 'circle' -> 'blue'
    assert not allowed[0, 3, 15]  # a pad key


def test_timestep_embedding():
    e = timestep_embedding(torch.tensor([0.0, 1000.0]), 128)
    assert e.shape == (2, 128) and torch.allclose(e[0, :64], torch.zeros(64)) and torch.allclose(e[0, 64:], torch.ones(64))


def test_attention_levels_are_configurable():
    """The shipped fine-tune keeps cross-attention at 16x16 (down, up) and 8x8 (down) only."""
    m = TextToImage(ModelConfig(up_attn_levels=(1,), mid_attn=0)).eval()
    layout = m.unet.attention_layout()
    assert [(n, r) for n, _, _, _, r in layout] == [("attn_down_1_0", (16, 16)), ("attn_down_2_0", (8, 8)),
                                                    ("attn_up_1_0", (16, 16))]
    ids = torch.tensor(scenes.tokenize_batch(["a red circle in the center"]))
    with torch.no_grad():
        _, attn = m.unet(torch.randn(1, 3, 32, 32), torch.tensor([500.0]), m.text(ids))
    assert list(attn) == [n for n, *_ in layout]


def test_control_is_exact_no_op_when_neutral_and_acts_when_used(model):
    """token_scale 1 / inject_weight 0 leave every output bit-identical; weight 1 puts the injected map
    in, and token_scale multiplies the (injected) map, without renormalising."""
    import onnx_export
    torch.manual_seed(0)
    x, t, ctx = torch.randn(2, 3, 32, 32), torch.tensor([500.0, 500.0]), torch.randn(2, 20, 128)
    with torch.no_grad():
        out, attn = model.unet(x, t, ctx)
        neutral = onnx_export.neutral_control(model.unet, 2)
        names = [n for n, *_ in model.unet.attention_layout()]
        out2, attn2 = model.unet(x, t, ctx, token_scale=neutral[0], inject_weight=neutral[1],
                                 inject=dict(zip(names, neutral[2:])))
        assert torch.equal(out, out2) and all(torch.equal(attn[k], attn2[k]) for k in attn)
        scale, weight = torch.ones(2, 20), torch.zeros(2, 20)
        scale[0, 3], weight[0, :] = 2.0, 1.0
        inject = {k: torch.rand_like(v) for k, v in attn.items()}
        out3, attn3 = model.unet(x, t, ctx, token_scale=scale, inject=inject, inject_weight=weight)
        for k in attn:
            want = inject[k][0].clone()
            want[..., 3] *= 2
            assert torch.allclose(attn3[k][0], want, atol=1e-6)  # injected, then scaled, not renormalised
            assert torch.equal(attn3[k][1], attn[k][1])  # the other row is untouched
