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
import hashlib
import io
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field

# The machine is shared (2 cores, other jobs running): busy-waiting OpenMP workers and a second BLAS
# thread pool make steps 5-10x slower under contention. Set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scenes  # noqa: E402
from model import ModelConfig, TextToImage, count_params  # noqa: E402


@dataclass
class TrainConfig:
    preset: str = "default"  # name recorded in the checkpoint and the manifest
    model: ModelConfig = field(default_factory=ModelConfig)  # architecture (see model.py)
    steps: int = 3600  # optimizer steps (~1 s/step on 2 cores at batch 64 -> ~1 h)
    batch_size: int = 64  # scenes per step
    lr: float = 1e-3  # peak AdamW learning rate
    min_lr: float = 1e-4  # cosine decays to this
    warmup: int = 200  # linear warmup steps
    weight_decay: float = 0.01  # AdamW weight decay
    grad_clip: float = 1.0  # global grad-norm clip
    p_two: float = 0.8  # fraction of two-object scenes
    cond_dropout: float = 0.1  # caption dropout -> empty prompt, for classifier-free guidance
    ema_decay: float = 0.999  # EMA of weights (ramped up from 0 over the first steps)
    t_sampling: str = "logit-normal"  # how the flow time t in [0, 1] is drawn: logit-normal | uniform
    seed: int = 1337  # data and init seed
    threads: int = 2  # torch intra-op threads
    device: str = "cpu"  # "cuda" runs the same recipe on a GPU (the shipped model was trained so)
    data_workers: int = 0  # >0: render batches in this many processes (a GPU outruns one CPU core)
    ckpt_every_s: float = 180.0  # checkpoint every this many seconds of wall time
    log_every: int = 10  # log a JSON line every this many steps
    init_from: str = ""  # fine-tuning: a run dir or ckpt.pt whose EMA weights start this run ("" = from scratch)
    world: str = "v1"  # "v1": scenes.py; "v2": scenes_v2.py (more shapes/colours, three objects, relations,
    #                    backgrounds); a v2 run started from a v1 run grows the vocabulary (init_weights_grown)


PRESETS = {
    "default": TrainConfig(),
    # tiny run for tests: same architecture and contract, a handful of small steps
    "smoke": TrainConfig(preset="smoke", steps=30, batch_size=8, warmup=5, ckpt_every_s=1e9, log_every=5),
    # the base of the shipped model: the default recipe on one GPU, bigger batches and many more steps;
    # --steps is set from a short timing run so that it fits the GPU time we have (see training/README.md)
    "gpu": TrainConfig(preset="gpu", device="cuda", batch_size=128, steps=12000, warmup=500, lr=1e-3,
                       ckpt_every_s=60.0, log_every=100, threads=4, data_workers=12),
    # the shipped model: the `gpu` run (training/runs/gpu; rebuilt from its package, kept in
    # training/base/scenes-gpu, with import_onnx.py) fine-tuned on CPU without the 8x8 cross-attentions of the middle
    # block and the up path, whose blurry maps dragged the summed DAAM map down; the 16x16 pair and the
    # 8x8 down-path attention (sharpest for shape words) remain
    "finetune": TrainConfig(preset="finetune", model=ModelConfig(up_attn_levels=(1,), mid_attn=0),
                            init_from="training/runs/gpu", steps=1200, lr=3e-4, min_lr=3e-5, warmup=50,
                            ckpt_every_s=120.0),
    # experiment: the finetune architecture trained from scratch with the default CPU recipe
    "scratch-pruned": TrainConfig(preset="scratch-pruned", model=ModelConfig(up_attn_levels=(1,), mid_attn=0),
                                  threads=1),
}


def world_v2_model(**kw):
    """ModelConfig of a world-v2 model: the shipped v1 architecture with the v2 vocabulary, 28 tokens and
    the v2 phrase rule (scenes_v2.text_scope_ids)."""
    import scenes_v2
    return ModelConfig(vocab_size=len(scenes_v2.VOCAB), max_tokens=scenes_v2.MAX_TOKENS, phrase_rule="v2",
                       up_attn_levels=(1,), mid_attn=0, **scenes_v2.text_scope_ids(), **kw)


def world_module(cfg):
    """The scenes module a run trains on (scenes or scenes_v2)."""
    if cfg.world == "v2":
        import scenes_v2
        return scenes_v2
    return scenes


def sample_world_batch(cfg, rng):
    if cfg.world == "v2":
        return world_module(cfg).sample_batch(cfg.batch_size, rng)
    return scenes.sample_batch(cfg.batch_size, rng, p_two=cfg.p_two)


# world v2 (issue 11): fine-tuned from the shipped v1 model (rebuilt with import_onnx.py), vocabulary grown
# by init_weights_grown. "world" lets relation words attend to the whole prompt; "world-own" keeps them in
# their own phrase (the measurement that chose between them: training/README.md).
_WORLD = dict(world="v2", init_from="training/runs/scenes-v1", steps=6000, lr=5e-4, min_lr=5e-5, warmup=100,
              ckpt_every_s=120.0, threads=1)
PRESETS["world"] = TrainConfig(preset="world", model=world_v2_model(relation_scope="objects"), **_WORLD)
PRESETS["world-own"] = TrainConfig(preset="world-own", model=world_v2_model(relation_scope="own"), **_WORLD)
PRESETS["world-smoke"] = TrainConfig(preset="world-smoke", model=world_v2_model(), world="v2", steps=20, batch_size=8,
                                     warmup=5, ckpt_every_s=1e9, log_every=5)


def config_from_dict(d):
    """TrainConfig from a (checkpointed) dict; fields unknown to this version are ignored, missing ones
    take their defaults, so old checkpoints keep loading."""
    d = dict(d)
    m = dict(d.pop("model", {}))
    mf = {f.name for f in dataclasses.fields(ModelConfig)}
    m = {k: tuple(v) if isinstance(v, list) else v for k, v in m.items() if k in mf}
    tf = {f.name for f in dataclasses.fields(TrainConfig)} - {"model"}
    return TrainConfig(model=ModelConfig(**m), **{k: v for k, v in d.items() if k in tf})


def lr_at(step, cfg):
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    p = min(1.0, (step - cfg.warmup) / max(1, cfg.steps - cfg.warmup))
    return cfg.min_lr + 0.5 * (cfg.lr - cfg.min_lr) * (1 + math.cos(math.pi * p))


# -----------------------------------------------------------------------------
# checkpoints: [magic][sha256 of payload][payload = torch.save bytes]; written to a tmp file, fsynced,
# then moved into place with os.replace, so a kill at any moment leaves a complete file behind.

MAGIC = b"WLCKPT1\n"


class CorruptCheckpoint(RuntimeError):
    pass


def save_checkpoint(state, out):
    buf = io.BytesIO()
    torch.save(state, buf)
    payload = buf.getvalue()
    path, prev, tmp = [os.path.join(out, n) for n in ("ckpt.pt", "ckpt.prev.pt", "ckpt.pt.tmp")]
    with open(tmp, "wb") as f:
        f.write(MAGIC + hashlib.sha256(payload).digest() + payload)
        f.flush()
        os.fsync(f.fileno())
    if os.path.exists(path):
        os.replace(path, prev)
    os.replace(tmp, path)


def load_checkpoint(path):
    """Load and verify a checkpoint; raises CorruptCheckpoint naming the file if it is damaged."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise CorruptCheckpoint(f"cannot read checkpoint {path}: {e}") from e
    n = len(MAGIC)
    if data[:n] != MAGIC or len(data) < n + 32 or hashlib.sha256(data[n + 32:]).digest() != data[n:n + 32]:
        raise CorruptCheckpoint(
            f"checkpoint {path} is corrupt (bad header or checksum, {len(data)} bytes). "
            f"The previous good checkpoint, if any, is {os.path.join(os.path.dirname(path), 'ckpt.prev.pt')}: "
            f"move {path} away to resume from it.")
    try:
        return torch.load(io.BytesIO(data[n + 32:]), map_location="cpu", weights_only=False)
    except Exception as e:  # checksum fine but unreadable: still name the file
        raise CorruptCheckpoint(f"checkpoint {path} could not be loaded: {e}") from e


def find_checkpoint(out):
    """The checkpoint to resume from: ckpt.pt, or ckpt.prev.pt if a kill fell between the two renames."""
    for name in ("ckpt.pt", "ckpt.prev.pt"):
        p = os.path.join(out, name)
        if os.path.exists(p):
            return p
    return None


def checkpoint_path(run, hint=""):
    """The checkpoint file of a run directory (or the .pt file itself); FileNotFoundError if none."""
    path = run if run.endswith(".pt") else find_checkpoint(run)
    if path is None:
        raise FileNotFoundError(f"no checkpoint in {run}{hint}")
    return path


def load_model(run, which="ema"):
    """The trained model (EMA weights by default) and the training config of a run directory."""
    path = checkpoint_path(run)
    ck = load_checkpoint(path)
    cfg = config_from_dict(ck["config"])
    model = TextToImage(cfg.model)
    model.load_state_dict(ck[which])
    model.eval()
    return model, cfg, ck


# -----------------------------------------------------------------------------

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
    scfg = config_from_dict(src["config"])
    base = dict(preset=scfg.preset, steps=src["step"], batchSize=scfg.batch_size, device=scfg.device,
                wallTimeMinutes=round(src["elapsed"] / 60, 1), checkpoint=os.path.relpath(path))
    if src.get("base"):  # the source was itself a fine-tune: keep the whole lineage
        base["fineTunedFrom"] = src["base"]
    if src.get("imported_from"):
        base["rebuiltFromPackage"] = True
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


def _batch_for_step(args):
    cfg, i = args
    return sample_world_batch(cfg, np.random.default_rng((cfg.seed, i)))


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
    step, elapsed, losses, base = 0, 0.0, [], None  # base: the run this one fine-tunes, if any
    if ck is not None:
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["optimizer"])
        rng.bit_generator.state = ck["numpy_rng"]
        torch.set_rng_state(ck["torch_rng"])
        step, elapsed, losses, base = ck["step"], ck["elapsed"], ck["losses"], ck.get("base")
        if not quiet:
            print(f"resumed from {path} at step {step} ({elapsed / 60:.1f} min so far)", flush=True)
    elif cfg.init_from:
        base = init_for(cfg, model, ema, quiet)
    elif not quiet:
        print(f"text encoder {count_params(model.text):,} params, unet {count_params(model.unet):,} params",
              flush=True)

    def checkpoint():
        save_checkpoint(dict(step=step, model=model.state_dict(), ema=ema.state_dict(),
                             optimizer=opt.state_dict(), numpy_rng=rng.bit_generator.state,
                             torch_rng=torch.get_rng_state(), config=dataclasses.asdict(cfg),
                             elapsed=elapsed, losses=losses, base=base, vocab=world_module(cfg).VOCAB), out)

    empty = torch.tensor(world_module(cfg).tokenize(""), dtype=torch.long)  # (T,) the unconditional prompt
    pool = None
    if cfg.data_workers > 0:  # batch i is rendered from its own seed, so resuming stays deterministic
        import multiprocessing as mp
        from collections import deque
        pool = mp.get_context("fork").Pool(cfg.data_workers)
        window = deque(pool.apply_async(_batch_for_step, ((cfg, i),)) for i in range(step, min(cfg.steps, step + 4 * cfg.data_workers)))
        next_i = step + len(window)

        def next_batch():  # bounded prefetch: at most 4 batches per worker in flight
            nonlocal next_i
            b = window.popleft().get()
            if next_i < cfg.steps:
                window.append(pool.apply_async(_batch_for_step, ((cfg, next_i),)))
                next_i += 1
            return b
    log = open(os.path.join(out, "log.jsonl"), "a")
    t_last_ckpt = time.time()
    t_log, log_losses, done_here = time.time(), [], 0
    model.train()
    ema_params, model_params = list(ema.parameters()), list(model.parameters())
    while step < cfg.steps and (max_steps is None or done_here < max_steps):
        t0 = time.time()
        b = next_batch() if pool is not None else sample_world_batch(cfg, rng)
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
        v_pred, _ = model(xt, t * 1000, ids)
        loss = F.mse_loss(v_pred, target)
        lr = lr_at(step, cfg)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        decay = min(cfg.ema_decay, (1 + step) / (10 + step))
        with torch.no_grad():  # one fused multiply-add over all tensors (many tiny kernels on a GPU otherwise)
            torch._foreach_mul_(ema_params, decay)
            torch._foreach_add_(ema_params, model_params, alpha=1 - decay)
        step += 1
        done_here += 1
        elapsed += time.time() - t0
        losses.append(loss.item())
        log_losses.append(loss.item())
        if step % cfg.log_every == 0 or step == cfg.steps:
            now = time.time()
            rec = dict(step=step, loss=round(float(np.mean(log_losses)), 5), lr=lr,
                       s_per_step=round((now - t_log) / len(log_losses), 4), elapsed=round(elapsed, 1))
            log.write(json.dumps(rec) + "\n")
            log.flush()
            if not quiet:
                print(json.dumps(rec), flush=True)
            t_log, log_losses = now, []
        if time.time() - t_last_ckpt > cfg.ckpt_every_s:
            checkpoint()
            t_last_ckpt = time.time()
    checkpoint()
    log.close()
    if pool is not None:
        pool.terminate()
    if not quiet and step >= cfg.steps:
        print(f"done: {step} steps, {elapsed / 60:.1f} min, final loss (mean of last 100) "
              f"{np.mean(losses[-100:]):.4f}", flush=True)
    return step


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="default", choices=sorted(PRESETS))
    ap.add_argument("--out", required=True, help="run directory (checkpoints, log.jsonl)")
    ap.add_argument("--steps", type=int, default=None, help="override the preset's step count")
    ap.add_argument("--max-steps", type=int, default=None, help="stop after this many steps in this process")
    ap.add_argument("--device", default=None, help="override the preset's device (cpu, cuda)")
    ap.add_argument("--ckpt-every", type=float, default=None, help="override the checkpoint interval (seconds)")
    ap.add_argument("--init-from", default=None, help="override the run (or ckpt.pt) a fine-tune starts from")
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
    try:
        train(cfg, args.out, max_steps=args.max_steps, steps=args.steps)
    except (CorruptCheckpoint, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
