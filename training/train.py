"""
Train Wordlight's embedded model on the procedural scenes world with rectified flow.

    /usr/bin/python3 training/train.py --preset default --out training/runs/default

Background-safe: writes <out>/ckpt.pt atomically every few minutes (the previous one is kept as
<out>/ckpt.prev.pt), resumes automatically from it, logs JSON lines to <out>/log.jsonl. Kill it at any
moment and start the same command again.
"""

import argparse
import copy
import dataclasses
import os
import sys

# The machine is shared (2 cores, other jobs running): busy-waiting OpenMP workers and a second BLAS
# thread pool make steps 5-10x slower under contention. Set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenes  # noqa: E402
import loop  # noqa: E402
import worlds  # noqa: E402
from grounding import grounding_loss, pixel_loss, token_masks  # noqa: E402
from checkpoint import (CorruptCheckpoint, checkpoint_path, find_checkpoint, lineage, load_checkpoint,  # noqa: E402
                        save_checkpoint)
from config import PRESETS, config_from_dict  # noqa: E402
from model import TextToImage, count_params  # noqa: E402


# -----------------------------------------------------------------------------
# fine-tuning: where a run with init_from starts

def init_weights(model, ema, source, quiet=False):
    """Start model and ema from the EMA weights of another run (fine-tuning). Parameters the new config
    no longer has are dropped, new ones keep their fresh init (new cross-attentions with a zero output
    projection); both lists are printed. Returns what the source run was (preset, steps, wall time),
    for the manifest."""
    path = checkpoint_path(source, " (init_from: train that run first, or rebuild it from its package "
                                   "with training/import_onnx.py — the gpu run's package is "
                                   "training/base/scenes-gpu; see training/README.md)")
    src = load_checkpoint(path)
    own = model.state_dict()
    keep = {k: v for k, v in src["ema"].items() if k in own and own[k].shape == v.shape}
    dropped = sorted(set(src["ema"]) - set(keep))
    fresh = sorted(set(own) - set(keep))
    own.update(keep)
    for k in fresh:  # a new cross-attention starts as the identity (x + 0), so the fine-tune starts
        if "_attn." in k and ".out." in k:  # from exactly the source model's function
            own[k] = torch.zeros_like(own[k])
    model.load_state_dict(own)
    ema.load_state_dict(own)
    base = lineage(src, path)
    if not quiet:
        print(f"fine-tuning from {path} (step {src['step']}): {len(keep)} tensors kept, "
              f"dropped {len(dropped)} ({', '.join(sorted({k.rsplit('.', 2)[0] for k in dropped})) or '-'}), "
              f"fresh {len(fresh)}", flush=True)
    return base


def init_weights_grown(model, ema, source, src_vocab, dst_vocab, groups, quiet=False):
    """Fine-tuning onto a larger world: like init_weights, then the word embeddings are copied row by row
    by word (ids move when the sorted vocabulary grows) and the position embeddings for the first
    min(T_src, T) tokens. A new word starts at the mean of the source words of its group (colours, shapes)
    plus noise of their spread, or of all words; a new position at the last source position plus noise."""
    path = checkpoint_path(source)
    src = load_checkpoint(path)["ema"]
    base = init_weights(model, ema, source, quiet)
    own = model.state_dict()
    tok_src, tok = src["text.tok.weight"], own["text.tok.weight"].clone()  # (V_src, D), (V, D)
    if tok_src.shape[0] != len(src_vocab):  # rows would be copied to the wrong words
        raise ValueError(f"{path}: {tok_src.shape[0]} word embeddings but a vocabulary of {len(src_vocab)} words "
                         f"(a checkpoint without its 'vocab': re-import it with training/import_onnx.py)")
    g = torch.Generator().manual_seed(0)
    s_index = {w: i for i, w in enumerate(src_vocab)}
    for i, w in enumerate(dst_vocab):
        if w in s_index:
            tok[i] = tok_src[s_index[w]]
            continue
        members = [s_index[x] for x in groups.get(w, []) if x in s_index] or list(range(3, len(src_vocab)))
        rows = tok_src[members]
        tok[i] = rows.mean(0) + rows.std(0) * torch.randn(rows.shape[1], generator=g)
    pos_src, pos = src["text.pos"], own["text.pos"].clone()  # (1, T_src, D), (1, T, D)
    n = min(pos_src.shape[1], pos.shape[1])
    pos[:, :n] = pos_src[:, :n]
    for j in range(n, pos.shape[1]):
        pos[:, j] = pos_src[:, n - 1] + 0.02 * torch.randn(pos.shape[2], generator=g)
    own["text.tok.weight"], own["text.pos"] = tok, pos
    model.load_state_dict(own)
    ema.load_state_dict(own)
    base["vocabularyGrown"] = dict(words=len(src_vocab) - 3, to=len(dst_vocab) - 3, tokens=[pos_src.shape[1], pos.shape[1]])
    return base


def init_for(cfg, model, ema, quiet=False):
    """Start a fine-tune: a v2 run from a v1 (or v2) run grows the vocabulary, anything else as before."""
    if cfg.world != "v2":
        return init_weights(model, ema, cfg.init_from, quiet)
    import scenes_v2
    src = load_checkpoint(checkpoint_path(cfg.init_from, " (init_from: rebuild the v1 run from its package "
                                                         "with training/import_onnx.py; see training/README.md)"))
    src_vocab = src.get("vocab") or scenes.VOCAB
    groups = {**{c: scenes.COLOUR_NAMES for c in scenes_v2.COLOUR_NAMES}, **{s: scenes.SHAPES for s in scenes_v2.SHAPES}}
    return init_weights_grown(model, ema, cfg.init_from, src_vocab, scenes_v2.VOCAB, groups, quiet)


def sample_batch(cfg, rng):
    """One training batch of cfg's world and scene mix."""
    return worlds.sample_batch(cfg.world, cfg.batch_size, rng, cfg.p_two, cfg.form_p, cfg.repeat_colour_p)


def _batch_for_step(args):
    cfg, i = args
    return sample_batch(cfg, np.random.default_rng((cfg.seed, i)))


def train(cfg, out, max_steps=None, quiet=False, steps=None):
    """Train (or resume) into directory out. max_steps: stop after this many steps in this process
    (for tests), checkpointing on exit. steps: a step count that also overrides a resumed checkpoint's
    (to shorten or extend a run; the cosine schedule follows the new count from the current step)."""
    os.makedirs(out, exist_ok=True)
    path, ck = find_checkpoint(out), None
    if path is not None:
        ck = load_checkpoint(path)  # raises CorruptCheckpoint naming the file
        saved = config_from_dict(ck["config"])
        if dataclasses.asdict(saved) != dataclasses.asdict(cfg) and not quiet:
            print(f"note: {path} was made with a different config; resuming with the checkpoint's", flush=True)
        cfg = saved
        if steps is not None and steps != cfg.steps:
            if not quiet:
                print(f"note: the run's step count changes from {cfg.steps} to {steps}", flush=True)
            cfg.steps = steps
    torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    dev = torch.device(cfg.device)
    model = TextToImage(cfg.model).to(dev)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.99))
    rng = np.random.default_rng(cfg.seed)
    p, base = loop.Progress(), None  # base: the run this one fine-tunes, if any
    if ck is not None:
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["optimizer"])
        rng.bit_generator.state = ck["numpy_rng"]
        torch.set_rng_state(ck["torch_rng"])
        p, base = loop.Progress(ck["step"], ck["elapsed"], ck["losses"]), ck.get("base")
        if not quiet:
            print(f"resumed from {path} at step {p.step} ({p.elapsed / 60:.1f} min so far)", flush=True)
    elif cfg.init_from:
        base = init_for(cfg, model, ema, quiet)
    elif not quiet:
        print(f"text encoder {count_params(model.text):,} params, unet {count_params(model.unet):,} params",
              flush=True)
    world = worlds.world_named(cfg.world)

    def checkpoint():
        save_checkpoint(dict(step=p.step, model=model.state_dict(), ema=ema.state_dict(),
                             optimizer=opt.state_dict(), numpy_rng=rng.bit_generator.state,
                             torch_rng=torch.get_rng_state(), config=dataclasses.asdict(cfg),
                             elapsed=p.elapsed, losses=p.losses, base=base, vocab=world.VOCAB), out)

    empty = torch.tensor(world.tokenize(""), dtype=torch.long)  # (T,) the unconditional prompt
    pool = None
    if cfg.data_workers > 0:  # batch i is rendered from its own seed, so resuming stays deterministic
        import multiprocessing as mp
        from collections import deque
        pool = mp.get_context("fork").Pool(cfg.data_workers)
        window = deque(pool.apply_async(_batch_for_step, ((cfg, i),))
                       for i in range(p.step, min(cfg.steps, p.step + 4 * cfg.data_workers)))
        next_i = p.step + len(window)

        def next_batch():  # bounded prefetch: at most 4 batches per worker in flight
            nonlocal next_i
            b = window.popleft().get()
            if next_i < cfg.steps:
                window.append(pool.apply_async(_batch_for_step, ((cfg, next_i),)))
                next_i += 1
            return b
    model.train()
    ema_params, model_params = list(ema.parameters()), list(model.parameters())

    def step_fn(step, lr):  # rectified flow: x_t = (1 - t) x0 + t eps, the model predicts v = eps - x0
        b = next_batch() if pool is not None else sample_batch(cfg, rng)
        x0 = torch.from_numpy(b.image)  # (B, 3, 32, 32)
        ids = torch.from_numpy(b.input_ids)  # (B, T)
        drop = torch.rand(cfg.batch_size) < cfg.cond_dropout
        ids = torch.where(drop[:, None], empty[None], ids)  # (B, T)
        if cfg.t_sampling == "logit-normal":
            t = torch.sigmoid(torch.randn(cfg.batch_size))  # (B,)
        else:
            t = torch.rand(cfg.batch_size)
        eps = torch.randn_like(x0)
        xt = (1 - t[:, None, None, None]) * x0 + t[:, None, None, None] * eps  # (B, 3, 32, 32)
        xt, t, ids, target = xt.to(dev), t.to(dev), ids.to(dev), (eps - x0).to(dev)
        v_pred, attn = model(xt, t * 1000, ids)
        loss = F.mse_loss(v_pred, target)
        parts = {}
        if cfg.ground_weight > 0:  # object words onto their objects' pixels (grounding.py)
            masks, grounded = token_masks(b, world.WORD_KINDS)  # (B, T, 32, 32), (B, T)
            grounded &= ~drop[:, None]  # a dropped caption has no words to ground
            masks, grounded = masks.to(dev), grounded.to(dev)
            parts = dict(flow=loss, ground=grounding_loss(attn, masks, grounded))
            loss = loss + cfg.ground_weight * parts["ground"]
            if cfg.pixel_weight > 0:  # cover the whole object (grounding.pixel_loss)
                late = (t <= cfg.pixel_t_max)[:, None]  # (B, 1): samples the pixel term applies to
                parts["pixel"] = pixel_loss(attn, masks, grounded & late)
                loss = loss + cfg.pixel_weight * parts["pixel"]
        loop.optimizer_step(opt, model_params, loss, lr, cfg.grad_clip)
        loop.ema_update(ema_params, model_params, step, cfg.ema_decay)
        return (loss, parts) if parts else loss

    loop.run(p, cfg, out, step_fn, checkpoint, max_steps, quiet)
    if pool is not None:
        pool.terminate()
    if not quiet and p.step >= cfg.steps:
        print(f"done: {p.step} steps, {p.elapsed / 60:.1f} min, final loss (mean of last 100) "
              f"{np.mean(p.losses[-100:]):.4f}", flush=True)
    return p.step


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="default", choices=sorted(PRESETS))
    ap.add_argument("--out", required=True, help="run directory (checkpoints, log.jsonl)")
    ap.add_argument("--steps", type=int, default=None, help="override the preset's step count")
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many steps in this process")
    ap.add_argument("--device", default=None, help="override the preset's device (cpu, cuda)")
    ap.add_argument("--ckpt-every", type=float, default=None, help="override the checkpoint interval (seconds)")
    ap.add_argument("--init-from", default=None, help="override the run (or ckpt.pt) a fine-tune starts from")
    ap.add_argument("--threads", type=int, default=None, help="override torch's intra-op threads (two runs side by side: 1)")
    args = ap.parse_args()
    cfg = copy.deepcopy(PRESETS[args.preset])
    if args.steps is not None:
        cfg.steps = args.steps
    if args.device is not None:
        cfg.device = args.device
    if args.ckpt_every is not None:
        cfg.ckpt_every_s = args.ckpt_every
    if args.init_from is not None:
        cfg.init_from = args.init_from
    if args.threads is not None:
        cfg.threads = args.threads
    try:
        train(cfg, args.out, max_steps=args.max_steps, steps=args.steps)
    except (CorruptCheckpoint, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
