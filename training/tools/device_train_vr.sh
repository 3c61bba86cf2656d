#!/usr/bin/env bash
# Train the variable-rate codec v2 (lic.train_vr) on the lent GPU inside ONE device command (<= 10 min):
# two runs side by side on the one GPU, "aux" (with the linear wavelet shortcuts of lic.model_vr) and
# "plain" (without), so that one call measures the shortcut's effect and keeps a second model if one run
# fails. fp16 checkpoints, logs (with the Kodak learning curve) come back through $OUT.
#
# Here, once (photos, Kodak and fonts travel in the ignored folder .device-data, ~52 MB; the repository's
# packs and checkpoints would add ~63 MiB, so run `bash training/tools/device_tree.sh hide` before the
# device calls and `... restore` after them, which leaves ~4 MiB of repository):
#     cd training && /usr/bin/python3 tools/make_device_subset.py --budget-mb 35
#     mkdir -p ../.device-data/kodak ../.device-data/fonts && cp ../../shared/data/kodak/*.png ../.device-data/kodak/
#     cp /usr/share/fonts/truetype/dejavu/DejaVuSans{,-Bold,Mono}.ttf ../.device-data/fonts/
# Device call (the `run` tool), from the repository root:
#     command: bash training/tools/device_train_vr.sh     carry: [".device-data"]     timeout_s: 600
# To continue a run, put its fp16 checkpoint at .device-data/ckpt/RUN.pt (RUN = aux or plain).
#
# Environment: MINUTES (wall-clock budget of the training, 9), BATCH (32), LR (2e-4), RUNS ("aux plain").
# A run that fails is restarted once in float32 with the time left (it resumes its last checkpoint).
set -uo pipefail
MINUTES=${MINUTES:-9}
BATCH=${BATCH:-32}
LR=${LR:-2e-4}
RUNS=${RUNS:-"aux plain"}
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
OUT=${OUT:-/tmp/device-out}
EXTRA=${EXTRA:-}
mkdir -p "$OUT"
cd "$(dirname "$0")/.."            # training/
D=../.device-data
[ -d "$D/photos" ] || { echo "no $D/photos: see the comment at the top" >&2; exit 2; }
END=$(( $(date +%s) + $(awk "BEGIN{print int($MINUTES * 60)}") ))
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
$PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'

train_one() {   # RUN AMP
    local run=$1 amp=$2 left flags=()
    left=$(( END - $(date +%s) ))
    [ "$left" -gt 60 ] || return 1
    [ "$run" = plain ] && flags+=(--no-shortcut)
    [ -f "$D/ckpt/$run.pt" ] && flags+=(--resume-from "$D/ckpt/$run.pt")
    PYTHONUNBUFFERED=1 $PY -m lic.train_vr --data "$D/photos" --kodak "$D/kodak" --font-dirs "$D/fonts" \
        --out "/tmp/run-$run" --device "$DEVICE" --amp "$amp" --channels-last --sampler device \
        --batch "$BATCH" --lr "$LR" --warmup 300 --max-minutes "$(awk "BEGIN{print $left/60}")" \
        --save-minutes 2 --eval-minutes 1.5 --log-every 100 --save-half "$OUT/$run-half.pt" \
        "${flags[@]}" $EXTRA >> "$OUT/$run-log.txt" 2>&1
}

pids=()
for run in $RUNS; do
    ( train_one "$run" bf16 || { echo "== restart in float32" >> "$OUT/$run-log.txt"; train_one "$run" none; } ) &
    pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
for run in $RUNS; do echo "== $run"; grep -E '"kodak"|stopped|Error|error' "$OUT/$run-log.txt" | tail -n 3 | cut -c1-600; done
ls -l "$OUT"
exit $rc
