#!/usr/bin/env bash
# Heap allocations per training step of the benchmark MLP (MODEL=cnn: the 2-conv network of
# `AxoneBench cnn`): counts every allocation of a run of
# 1 epoch and of 2 epochs (bench/alloc_count.c, preloaded) and divides the difference by the
# steps of one epoch, so loading, inference and start-up cancel out.
#
#   bash bench/allocations.sh          # batch 128, 2 threads
#   BATCH=32 THREADS=1 bash bench/allocations.sh
#   HEADS=2 bash bench/allocations.sh  # seed 000's two-head graph on the same trunk
#   MODEL=cnn bash bench/allocations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BATCH=${BATCH:-128}
THREADS=${THREADS:-2}
HEADS=${HEADS:-1}
MODEL=${MODEL:-mlp}
case $MODEL in
    mlp) model_options=(mlp --heads "$HEADS") ;;
    cnn) model_options=(cnn --repeats 1) ;;
    *) echo "unknown MODEL '$MODEL' (known: mlp cnn)" >&2; exit 2 ;;
esac
library=$(mktemp -d)/alloc_count.so
cc -shared -fPIC -O2 -o "$library" bench/alloc_count.c -ldl
swift build -c release --product AxoneBench >/dev/null
count() {
    LD_PRELOAD=$library .build/release/AxoneBench "${model_options[@]}" --epochs "$1" --batch "$BATCH" --threads "$THREADS" 2>&1 >/dev/null \
        | awk '/^ALLOCATIONS/ { print $2, $4 }'
}
read -r one one_bytes < <(count 1)
read -r two two_bytes < <(count 2)
steps=$(( (60000 + BATCH - 1) / BATCH ))
echo "# bash bench/allocations.sh (MODEL=$MODEL BATCH=$BATCH THREADS=$THREADS HEADS=$HEADS)"
echo "whole 1-epoch run: $one allocations; one more epoch: $((two - one)) allocations, $((two_bytes - one_bytes)) bytes"
awk -v a=$((two - one)) -v b=$((two_bytes - one_bytes)) -v s=$steps \
    'BEGIN { printf "per step (%d steps): %.1f allocations, %.0f bytes\n", s, a / s, b / s }'
