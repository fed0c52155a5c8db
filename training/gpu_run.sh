#!/usr/bin/env bash
# How the shipped model was trained: the `gpu` preset of train.py on one GPU, with the step count
# chosen from a short timing run so the whole job fits a fixed GPU budget (BUDGET_S seconds of
# training). Writes a slim checkpoint (EMA weights + config + loss history, no optimizer state) and
# the JSON-lines log to $OUT, for export.py on any machine.
#   OUT=/tmp/out BUDGET_S=400 bash training/gpu_run.sh
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONUNBUFFERED=1
: "${OUT:?set OUT to a directory}" "${BUDGET_S:=400}" "${PRESET:=gpu}"
nvidia-smi -L || true
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))"
rm -rf /tmp/wl-probe /tmp/wl-run
python3 train.py --preset "$PRESET" --out /tmp/wl-probe --max-steps 300 | tail -2
sps=$(tail -1 /tmp/wl-probe/log.jsonl | python3 -c "import json,sys; print(json.load(sys.stdin)['s_per_step'])")
steps=$(python3 -c "print(int(min(60000, $BUDGET_S / $sps)) // 100 * 100)")
echo "probe: ${sps} s/step -> ${steps} steps in ${BUDGET_S} s"
timeout $((BUDGET_S + 60)) python3 train.py --preset "$PRESET" --steps "$steps" --out /tmp/wl-run | tail -30 || echo "stopped at the time limit: keeping the last checkpoint"
cp /tmp/wl-run/log.jsonl "$OUT/log.jsonl"
python3 - "$OUT" <<'PY'
import sys, train
ck = train.load_checkpoint(train.find_checkpoint("/tmp/wl-run"))
slim = {k: ck[k] for k in ("step", "ema", "config", "elapsed", "losses")}
slim["device_name"] = __import__("torch").cuda.get_device_name(0)
train.save_checkpoint(slim, sys.argv[1])
print("slim checkpoint at step", slim["step"])
PY
ls -la "$OUT"
