import copy
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

import checkpoint
import config
import train
from model import ModelConfig, TextToImage

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tiny():
    cfg = copy.deepcopy(config.PRESETS["smoke"])
    cfg.model = ModelConfig(text_dim=32, text_layers=1, channels=(8, 16, 32), time_dim=32)
    cfg.batch_size, cfg.steps, cfg.threads = 4, 8, 1
    return cfg


def test_lr_schedule():
    cfg = config.PRESETS["default"]
    assert config.lr_at(0, cfg) < cfg.lr / 10
    assert config.lr_at(cfg.warmup, cfg) == pytest.approx(cfg.lr)
    assert config.lr_at(cfg.steps, cfg) == pytest.approx(cfg.min_lr)


def test_resume_continues_exactly(tmp_path):
    cfg = tiny()
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    assert train.train(cfg, a, quiet=True) == 8
    assert train.train(cfg, b, max_steps=3, quiet=True) == 3  # "killed" after 3 steps (checkpoint on exit)
    assert checkpoint.load_checkpoint(os.path.join(b, "ckpt.pt"))["step"] == 3
    assert train.train(cfg, b, quiet=True) == 8
    ca, cb = (checkpoint.load_checkpoint(os.path.join(d, "ckpt.pt")) for d in (a, b))
    assert ca["step"] == cb["step"] == 8
    assert ca["losses"] == pytest.approx(cb["losses"], rel=1e-4)
    for k in ca["ema"]:
        assert torch.allclose(ca["ema"][k], cb["ema"][k], atol=1e-5), k
    assert os.path.exists(os.path.join(b, "ckpt.prev.pt"))
    logs = [json.loads(l) for l in open(os.path.join(b, "log.jsonl"))]
    assert {"step", "loss", "lr", "s_per_step", "elapsed"} <= set(logs[-1]) and logs[-1]["step"] == 8
    # a finished run does nothing more
    assert train.train(cfg, b, quiet=True) == 8


def test_corrupt_checkpoint_is_named(tmp_path):
    cfg = tiny()
    out = str(tmp_path)
    train.train(cfg, out, max_steps=2, quiet=True)
    train.train(cfg, out, max_steps=1, quiet=True)  # now ckpt.pt (step 3) and ckpt.prev.pt (step 2)
    path = os.path.join(out, "ckpt.pt")
    data = open(path, "rb").read()
    with open(path, "wb") as f:  # flip bytes in the middle
        f.write(data[:len(data) // 2] + bytes(b ^ 0xFF for b in data[len(data) // 2:len(data) // 2 + 64])
                + data[len(data) // 2 + 64:])
    with pytest.raises(checkpoint.CorruptCheckpoint, match="ckpt.pt"):
        train.train(cfg, out, quiet=True)
    with open(path, "wb") as f:  # truncated
        f.write(data[:1000])
    with pytest.raises(checkpoint.CorruptCheckpoint, match="ckpt.pt is corrupt"):
        checkpoint.load_checkpoint(path)
    assert checkpoint.load_checkpoint(os.path.join(out, "ckpt.prev.pt"))["step"] == 2  # previous kept
    # the command line says it clearly and exits 2
    r = subprocess.run([sys.executable, os.path.join(HERE, "train.py"), "--preset", "smoke", "--out", out],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "ckpt.pt" in r.stderr and "corrupt" in r.stderr


def test_survives_sigkill(tmp_path):
    """Kill the real command line with SIGKILL mid-run; the same command resumes from the checkpoint."""
    out = str(tmp_path)
    cmd = [sys.executable, os.path.join(HERE, "train.py"), "--preset", "smoke", "--out", out, "--ckpt-every", "0"]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    ckpt = os.path.join(out, "ckpt.pt")
    t0 = time.time()
    while time.time() - t0 < 120:
        if os.path.exists(ckpt) and checkpoint.load_checkpoint(ckpt)["step"] >= 4:
            break
        time.sleep(0.2)
    p.send_signal(signal.SIGKILL)
    p.wait()
    step = checkpoint.load_checkpoint(checkpoint.find_checkpoint(out))["step"]
    assert 0 < step < 30
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert f"resumed from" in r.stdout
    assert checkpoint.load_checkpoint(ckpt)["step"] == 30


def test_fine_tune_starts_from_another_run(tmp_path):
    """init_from copies the source run's EMA weights, drops the modules the new config removes, and the
    checkpoint names the run it started from (resuming keeps that record)."""
    base_cfg = tiny()
    base = str(tmp_path / "base")
    train.train(base_cfg, base, quiet=True)
    ft = copy.deepcopy(base_cfg)
    ft.preset, ft.init_from, ft.steps = "finetune", base, 3
    ft.model = ModelConfig(text_dim=32, text_layers=1, channels=(8, 16, 32), time_dim=32, up_attn_levels=(1,),
                           mid_attn=0)
    out = str(tmp_path / "ft")
    src = checkpoint.load_checkpoint(os.path.join(base, "ckpt.pt"))["ema"]
    model, ema = (TextToImage(ft.model) for _ in range(2))
    info = train.init_weights(model, ema, base, quiet=True)
    assert info["preset"] == "smoke" and info["steps"] == 8
    own = model.state_dict()
    assert not any(k.startswith(("unet.mid_attn.", "unet.up_attn.2.")) for k in own)
    for k, v in own.items():
        assert torch.equal(v, src[k]), k
    assert train.train(ft, out, max_steps=2, quiet=True) == 2
    assert train.train(ft, out, quiet=True) == 3  # resumed: base is kept from the checkpoint
    ck = checkpoint.load_checkpoint(os.path.join(out, "ckpt.pt"))
    assert ck["base"]["preset"] == "smoke" and ck["base"]["steps"] == 8


def test_fine_tune_without_its_source_run_says_so(tmp_path):
    r = subprocess.run([sys.executable, os.path.join(HERE, "train.py"), "--preset", "finetune", "--out",
                        str(tmp_path / "ft"), "--init-from", str(tmp_path / "missing")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no checkpoint in" in r.stderr and "import_onnx.py" in r.stderr
    assert "Traceback" not in r.stderr
