"""
Checkpoints of a run directory, shared by train.py, distill.py, import_onnx.py, eval.py and export.py.

File format: [magic][sha256 of payload][payload = torch.save bytes of a dict: step, model, ema, optimizer,
numpy_rng, torch_rng, config (TrainConfig as a dict), elapsed, losses, base, ...]. Written to a tmp file,
fsynced, then moved into place with os.replace, so a kill at any moment leaves a complete file behind;
the previous one is kept as ckpt.prev.pt.
"""

import hashlib
import io
import os

import torch

from config import config_from_dict
from model import TextToImage

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




def lineage(ck, path):
    """What a run started from was (preset, steps, batch, device, wall time, file), for the manifest's
    fineTunedFrom; a source that was itself a fine-tune or rebuilt from a package says so."""
    cfg = config_from_dict(ck["config"])
    base = dict(preset=cfg.preset, steps=ck["step"], batchSize=cfg.batch_size, device=cfg.device,
                wallTimeMinutes=round(ck["elapsed"] / 60, 1), checkpoint=os.path.relpath(path))
    if ck.get("base"):  # the source was itself a fine-tune: keep the whole lineage
        base["fineTunedFrom"] = ck["base"]
    if ck.get("imported_from"):
        base["rebuiltFromPackage"] = True
        earlier = (ck.get("package_training") or {}).get("fineTunedFrom")
        if earlier and "fineTunedFrom" not in base:  # the package's own lineage, as its manifest recorded it
            base["fineTunedFrom"] = earlier
    return base
