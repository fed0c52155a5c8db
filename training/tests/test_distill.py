"""Guidance distillation (distill.py) and the int8 UNet (quantize.py) on the session's smoke run."""
import copy
import json
import os

import numpy as np
import onnx
import torch

import checkpoint
import distill
import export
import quantize


def unet_inputs(seed):
    """A batch of two noisy images (B, 3, 32, 32), their timesteps (B,) and one caption's ids (B, T)."""
    g = torch.Generator().manual_seed(seed)
    x, t = torch.randn(2, 3, 32, 32, generator=g), torch.tensor([300.0, 800.0])
    ids = torch.tensor([[1, 3, 18, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]] * 2)
    return x, t, ids


def test_student_starts_as_the_teachers_conditional_branch(smoke_run):
    teacher, _, _ = checkpoint.load_model(smoke_run)
    student = distill.student_from_teacher(teacher).eval()
    assert student.cfg.guidance_embed and not teacher.cfg.guidance_embed
    x, t, ids = unet_inputs(seed=0)
    with torch.no_grad():
        ctx = teacher.text(ids)
        v_t, a_t = teacher.unet(x, t, ctx)
        v_s, a_s = student.unet(x, t, ctx, guidance=torch.tensor([0.0, 7.0]))
    assert torch.equal(v_t, v_s)  # zero-initialised guidance MLP: exactly v_c, whatever w
    for k in a_t:
        assert torch.equal(a_t[k], a_s[k])


def test_attention_loss_is_zero_only_for_the_teachers_maps(smoke_run):
    teacher, _, _ = checkpoint.load_model(smoke_run)
    x, t, ids = unet_inputs(seed=1)
    with torch.no_grad():
        ctx = teacher.text(ids)
        _, a = teacher.unet(x, t, ctx)
        _, b = teacher.unet(x.flip(-1), t, ctx)  # another image: other maps
    assert distill.attention_loss(a, a).item() == 0.0
    assert distill.attention_loss(b, a).item() > 1e-6


def test_distill_resumes_and_exports_with_a_guidance_input(smoke_run, tmp_path):
    cfg = copy.deepcopy(distill.PRESETS["distill-smoke"])
    out = str(tmp_path / "student")
    assert distill.distill(cfg, smoke_run, out, max_steps=3, quiet=True) == 3
    assert distill.distill(cfg, smoke_run, out, quiet=True) == cfg.steps  # resumed to the end
    ck = checkpoint.load_checkpoint(os.path.join(out, "ckpt.pt"))
    assert ck["step"] == cfg.steps and ck["distill"]["guidance_max"] == cfg.guidance_max
    assert len(ck["losses"]) == cfg.steps and all(np.isfinite(ck["losses"]))
    student, scfg, _ = checkpoint.load_model(out)
    assert scfg.model.guidance_embed
    teacher, _, _ = checkpoint.load_model(smoke_run)
    for k, v in teacher.text.state_dict().items():  # the text encoder is the teacher's, frozen
        assert torch.equal(v, student.text.state_dict()[k]), k
    pkg = str(tmp_path / "pkg")
    man = export.export(out, pkg, str(tmp_path / "fx"), quiet=True)  # checks the graph against PyTorch
    assert man["guidance"]["distilled"] is True and man["guidance"]["input"] == "guidance"
    assert man["guidance"]["range"] == [cfg.guidance_min, cfg.guidance_max]
    assert man["name"] == "scenes-fast" and man["training"]["distill"]["attn_weight"] == cfg.attn_weight
    un = onnx.load(os.path.join(pkg, "unet.onnx"))
    assert un.graph.input[-1].name == "guidance"
    assert json.load(open(os.path.join(str(tmp_path / "fx"), "golden.json")))["guidance"] == [4.0, 4.0]


def test_int8_unet_quantizes_every_inner_conv(package):
    out, _, man = package
    assert man["unetInt8"] == quantize.INT8_FILE and man["unetInt8Recipe"]["mode"] == "dynamic"
    fp = onnx.load(os.path.join(out, man["unet"]))
    q = onnx.load(os.path.join(out, man["unetInt8"]))
    onnx.checker.check_model(q)
    convs = [n for n in fp.graph.node if n.op_type == "Conv"]
    ops = [n.op_type for n in q.graph.node]
    assert ops.count("ConvInteger") == len(convs) - 2 and ops.count("Conv") == 2  # conv_in, conv_out stay fp32
    assert [i.name for i in q.graph.input] == [i.name for i in fp.graph.input]
    assert [o.name for o in q.graph.output] == [o.name for o in fp.graph.output]
    assert os.path.getsize(os.path.join(out, man["unetInt8"])) < 0.5 * os.path.getsize(os.path.join(out, man["unet"]))


def test_distill_mix_draws_the_teachers_own_scene_mix():
    import config
    teacher = config.PRESETS["world-colours"]  # a v2 teacher trained with a quarter of colours repeated
    share = {}
    for name in ("distill", "distill-mix"):
        b = distill.student_batch(teacher, distill.PRESETS[name], 200, np.random.default_rng(0))
        multi = [[o["colour"] for o in s["objects"]] for s in b.scenes if len(s["objects"]) > 1]
        share[name] = np.mean([len(set(c)) < len(c) for c in multi])
    assert share["distill"] < 0.1 < 0.2 < share["distill-mix"], share  # same-colour scenes ~4% vs ~30%


def test_sample_t_draws_the_early_share_from_the_noisy_half():
    def gen():
        return torch.Generator().manual_seed(0)

    uniform = distill.sample_t(distill.PRESETS["distill-mix"], 4000, gen())
    early = distill.sample_t(distill.PRESETS["distill-mix-early"], 4000, gen())
    assert torch.equal(uniform, torch.rand(4000, generator=gen()))  # one draw: the shipped stream
    assert 0.45 < (uniform >= 0.5).float().mean() < 0.55
    assert 0.70 < (early >= 0.5).float().mean() < 0.80  # half uniform + half from [0.5, 1] = 75 %
    assert early.min() >= 0 and early.max() <= 1
