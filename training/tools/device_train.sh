#!/usr/bin/env bash
# Train one or more qualities of the hyperprior on the lent GPU inside ONE device command (<= 10 min),
# and bring the fp16 checkpoints back through $OUT.
#
# Here, once (the photos travel in the ignored folder .device-data, 38 MB; a call may send 64 MiB in all,
# and the repository with its packs and checkpoints is ~67 MiB, so hide those first and restore them after
# the device calls: bash training/tools/device_tree.sh hide|restore, which leaves ~4 MiB):
#     cd training && /usr/bin/python3 tools/make_device_subset.py
# To continue an earlier device run of quality Q, put its fp16 checkpoint at .device-data/ckpt/qQ.pt
# (N=128, M=192 is 11.3 MB in fp16; photos 38 MB + the hidden repository ~4 MiB leave room for ONE such checkpoint
# comfortably, two at the limit; to resume more qualities at once, make a smaller subset with --budget-mb).
# N=192, M=320 (CompressAI's class for the higher qualities) is 27.4 MB in fp16: over the 16 MB file limit.
#
# Device call (the `run` tool), from the repository root:
#     command:  bash training/tools/device_train.sh 3            (or "... 1 3 5": parallel processes)
#     carry:    [".device-data"]
#     timeout_s: 600
# Comes back in $OUT, per quality Q: qQ-half.pt (fp16 checkpoint, resumable with --resume-from, exportable
# with lic.export) and qQ-log.txt (the training output: JSON lines with loss, bpp, PSNR, lr, it/s, crops/s).
# At most 8 files come back, so at most 4 qualities per call.
#
# Plan STEPS from the first call's log: STEPS ~ it/s x 60 x MINUTES x (calls planned for this quality), so
# that the cosine schedule ends in the last call. Each call resumes from the carried fp16 checkpoint; Adam's
# moments do not travel (too big), so lic.train ramps the lr up again over --rewarmup (100) steps.
#
# Environment overrides: MINUTES (training budget, default 9, startup included), STEPS (planned total
# steps of the LR schedule, default 20000; resumed runs continue it), LR (3e-4), BATCH (16), CROP (256),
# N/M (128/192, the CompressAI class of qualities 1-4), PYTHON (python3), DEVICE (cuda; cpu for a smoke test).
set -uo pipefail
if [ "$#" -eq 0 ]; then set -- 3; fi
if [ "$#" -gt 4 ]; then echo "at most 4 qualities per call (8 files come back)" >&2; exit 2; fi
MINUTES=${MINUTES:-9}
STEPS=${STEPS:-20000}
LR=${LR:-3e-4}
BATCH=${BATCH:-16}
CROP=${CROP:-256}
N=${N:-128}
M=${M:-192}
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
OUT=${OUT:-/tmp/device-out}
mkdir -p "$OUT"
cd "$(dirname "$0")/.."            # training/
DATA=../.device-data/photos
[ -d "$DATA" ] || { echo "no $DATA: run tools/make_device_subset.py here and carry .device-data" >&2; exit 2; }
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

pids=()
for Q in "$@"; do
    RESUME=()
    if [ -f "../.device-data/ckpt/q$Q.pt" ]; then RESUME=(--resume-from "../.device-data/ckpt/q$Q.pt"); fi
    PYTHONUNBUFFERED=1 $PY -m lic.train --data "$DATA" --out "/tmp/run-q$Q" "${RESUME[@]}" \
        --quality "$Q" --N "$N" --M "$M" --batch "$BATCH" --crop "$CROP" \
        --lr "$LR" --lr-schedule cosine --warmup 500 --steps "$STEPS" \
        --amp bf16 --channels-last --sampler device --device "$DEVICE" \
        --max-minutes "$MINUTES" --save-every 2000 --log-every 200 \
        --save-half "$OUT/q$Q-half.pt" > "$OUT/q$Q-log.txt" 2>&1 &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
for Q in "$@"; do echo "== q$Q"; tail -n 3 "$OUT/q$Q-log.txt"; done
ls -l "$OUT"
exit $rc
