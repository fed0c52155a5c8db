"""
The optimisation loop train.py and distill.py share. Each brings its own step (data, forward, loss);
the loop does the rest the same way for both: the learning-rate schedule, grad-norm clipping, the EMA of
the weights, JSON-line logs in <out>/log.jsonl, a checkpoint every few minutes of wall time and one at the
end, and stopping after max_steps in this process (tests kill and resume runs this way).
"""

import json
import os
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from config import lr_at


@dataclass
class Progress:
    """Where a run is; checkpointed (step, elapsed seconds of training, every loss so far)."""
    step: int = 0
    elapsed: float = 0.0
    losses: list = field(default_factory=list)


def optimizer_step(opt, params, loss, lr, grad_clip):
    """Backward, clip the global grad norm, one AdamW step at learning rate lr."""
    for g in opt.param_groups:
        g["lr"] = lr
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, grad_clip)
    opt.step()


def ema_update(ema_params, params, step, ema_decay):
    """EMA of the weights, its decay ramped up from 0 over the first steps (an early EMA would otherwise
    remember the random init for thousands of steps)."""
    decay = min(ema_decay, (1 + step) / (10 + step))
    with torch.no_grad():  # one fused multiply-add over all tensors (many tiny kernels on a GPU otherwise)
        torch._foreach_mul_(ema_params, decay)
        torch._foreach_add_(ema_params, params, alpha=1 - decay)


def run(p, cfg, out, step_fn, checkpoint, max_steps=None, quiet=False):
    """Runs step_fn from p.step to cfg.steps (or max_steps more). step_fn(step, lr) does one optimizer
    step (optimizer_step + ema_update) and returns the loss tensor. cfg: steps, log_every, ckpt_every_s
    and the schedule's lr, min_lr, warmup. checkpoint() saves everything, p included. step_fn may also
    return (loss, {name: tensor}): the parts of the loss, logged beside it as their means."""
    log = open(os.path.join(out, "log.jsonl"), "a")
    t_last_ckpt = time.time()
    t_log, log_losses, log_parts, done_here = time.time(), [], {}, 0
    while p.step < cfg.steps and (max_steps is None or done_here < max_steps):
        t0 = time.time()
        lr = lr_at(p.step, cfg)
        loss = step_fn(p.step, lr)
        if isinstance(loss, tuple):
            loss, parts = loss
            for k, v in parts.items():
                log_parts.setdefault(k, []).append(v.item())
        loss = loss.item()
        p.step += 1
        done_here += 1
        p.elapsed += time.time() - t0
        p.losses.append(loss)
        log_losses.append(loss)
        if p.step % cfg.log_every == 0 or p.step == cfg.steps:
            now = time.time()
            rec = dict(step=p.step, loss=round(float(np.mean(log_losses)), 5), lr=lr,
                       s_per_step=round((now - t_log) / len(log_losses), 4), elapsed=round(p.elapsed, 1))
            rec.update({k: round(float(np.mean(v)), 5) for k, v in log_parts.items()})
            log.write(json.dumps(rec) + "\n")
            log.flush()
            if not quiet:
                print(json.dumps(rec), flush=True)
            t_log, log_losses, log_parts = now, [], {}
        if time.time() - t_last_ckpt > cfg.ckpt_every_s:
            checkpoint()
            t_last_ckpt = time.time()
    checkpoint()
    log.close()
