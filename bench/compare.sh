#!/usr/bin/env bash
# Axone against PyTorch (and JAX) on the peers' task, side by side and interleaved:
# Fashion-MNIST, MLP 784-256-128-10 ReLU, softmax cross-entropy, Adam 1e-3, batch 128; with
# MODEL=cnn, the 2-conv network (Conv 32 3x3, MaxPool 2, Conv 64 3x3, MaxPool 2, Dense 128, Dense 10).
#
#   bash bench/compare.sh                      # 3 rounds, 10 epochs, 2 threads, peers: torch jax
#   MODEL=cnn bash bench/compare.sh            # the CNN: 3 rounds, 3 epochs
#   ROUNDS=5 EPOCHS=6 PEERS=torch bash bench/compare.sh
#   BEFORE=/path/to/old/AxoneBench PEERS= bash bench/compare.sh   # before/after, interleaved
#
# The peers run from a venv cached outside the clone ($VENV, default ~/.cache/axone/venv-peers),
# created on first use: torch (the local CPU wheel in /opt/wheels when pip finds one, else PyPI),
# jax + optax from PyPI. Every run waits for a quiet machine first (bench/peers/wait_quiet.py).
# Prints each run's RESULT line, then one table of medians with Axone / peer ratios, and Axone's
# epoch time against the GEMM floor: for the MLP, the floor timed in Axone's own run before each
# epoch (`AxoneBench mlp --floor`, see Sources/AxoneBench/EpochFloor.swift); for the CNN, the
# floor `AxoneBench cnn` prints (the step's FLOPs at the sgemm peak).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
MODEL=${MODEL:-mlp}
case $MODEL in
    mlp) EPOCHS=${EPOCHS:-10}; FLOOR_FLAG=--floor ;;
    cnn) EPOCHS=${EPOCHS:-3}; FLOOR_FLAG= ;;
    *) echo "unknown MODEL '$MODEL' (known: mlp cnn)" >&2; exit 2 ;;
esac
THREADS=${THREADS:-2}
QUIET_WAIT=${QUIET_WAIT:-120}   # the most seconds each run waits for a quiet machine
PEERS=${PEERS-"torch jax"}
VENV=${VENV:-$HOME/.cache/axone/venv-peers}
LOG=${LOG:-$(mktemp -d)/compare.log}

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c "import numpy, psutil" 2>/dev/null || "$VENV/bin/python" -m pip install --quiet numpy psutil
for peer in $PEERS; do
    case $peer in
        torch)
            # Prefer a local CPU wheel (~200 MB) to PyPI's CUDA build (~5 GB).
            wheel=$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | tail -n 1 || true)
            "$VENV/bin/python" -c "import torch" 2>/dev/null || "$VENV/bin/python" -m pip install --quiet "${wheel:-torch}" ;;
        jax) "$VENV/bin/python" -c "import jax, optax" 2>/dev/null || "$VENV/bin/python" -m pip install --quiet "jax[cpu]" optax ;;
        *) echo "unknown peer '$peer' (known: torch jax)" >&2; exit 2 ;;
    esac
done
swift build -c release --product AxoneBench >/dev/null

run() {  # name, command…
    local name=$1; shift
    "$VENV/bin/python" bench/peers/wait_quiet.py "$QUIET_WAIT" 0.05 2 >&2
    echo "# round $round: $name" >&2
    "$@" | tee -a "$LOG" | grep -E '^(RESULT|FLOOR)' || { echo "$name failed" >&2; exit 1; }
}

export EPOCHS
for round in $(seq 1 "$ROUNDS"); do
    # The MLP's GEMM floor is timed in Axone's run, before each epoch; `AxoneBench cnn` prints its own.
    run axone .build/release/AxoneBench "$MODEL" --threads "$THREADS" --epochs "$EPOCHS" $FLOOR_FLAG
    if [ -n "${BEFORE:-}" ]; then   # another build of Axone (e.g. the last commit's), as "before"
        run before bash -c '"$0" "$1" --threads "$2" --epochs "$3" | sed "s/^RESULT,axone[^,]*,/RESULT,before,/;s/^GEMM floor/before GEMM floor/"' \
            "$BEFORE" "$MODEL" "$THREADS" "$EPOCHS"
    fi
    for peer in $PEERS; do
        run "$peer" "$VENV/bin/python" "bench/peers/peer_$peer.py" --threads "$THREADS" --model "$MODEL"
    done
done

"$VENV/bin/python" - "$LOG" <<'PY'
import statistics, sys
rows, floors, in_run = {}, [], []
for line in open(sys.argv[1]):
    if line.startswith("GEMM floor:"):
        floors.append(float(line.split()[2]))
    if line.startswith("FLOOR,"):   # AxoneBench mlp --floor: median epoch/floor ratio, median floor
        in_run.append([float(x) for x in line.strip().split(",")[1:3]])
    if line.startswith("RESULT,"):
        f = line.strip().split(",")
        rows.setdefault(f[1], []).append([float(x) for x in f[3:8]])
names = ["median epoch s", "samples/s", "test acc %", "infer samples/s", "peak RSS MiB"]
med = {k: [statistics.median(r[i] for r in v) for i in range(5)] for k, v in rows.items()}
print(f"\n{'framework':<22}{'runs':>5}" + "".join(f"{n:>17}" for n in names))
for k, m in med.items():
    print(f"{k:<22}{len(rows[k]):>5}" + "".join(f"{x:>17.4g}" for x in m))
axone = next((k for k in med if k.startswith("axone")), None)
if axone:
    for k, m in med.items():
        if k == axone:
            continue
        # Ratios of round-wise pairs, then their median (interleaved runs share the machine's state).
        pairs = list(zip(rows[axone], rows[k]))
        epoch = statistics.median(a[0] / b[0] for a, b in pairs)
        infer = statistics.median(a[3] / b[3] for a, b in pairs)
        print(f"Axone / {k}: epoch time x{epoch:.2f}, inference throughput x{infer:.2f} (median of {len(pairs)} paired rounds)")
    if in_run:
        print(f"Axone / GEMM floor: x{statistics.median(r for r, _ in in_run):.2f} (median of {len(in_run)} rounds, each the "
              "median over its epochs 2..N of epoch / floor timed just before it; rounds "
              + ", ".join(f"x{r:.2f}" for r, _ in in_run) + "; floors " + ", ".join(f"{f:.3f}" for _, f in in_run) + " s)")
    elif floors:
        ratios = [a[0] / f for a, f in zip(rows[axone], floors)]
        print(f"Axone / GEMM floor: x{statistics.median(ratios):.2f} (median of {len(ratios)} rounds; floors "
              + ", ".join(f"{f:.3f}" for f in floors) + " s)")
PY
