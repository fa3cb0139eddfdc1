#!/usr/bin/env python3
"""The README's scaling model of data-parallel training (ring all-reduce), from measured inputs.

usage: python3 bench/scaling-model.py SECONDS_PER_EXAMPLE BYTES_PER_STEP [LATENCY_S]

A step on N machines with global batch B: compute B/N examples, then all-reduce the gradients
(ring: 2(N-1)/N x bytes / bandwidth + 2(N-1) x latency). Efficiency = compute / (compute + all-reduce).
"""
import sys

seconds_per_example, step_bytes = float(sys.argv[1]), float(sys.argv[2])
latency = float(sys.argv[3]) if len(sys.argv) > 3 else 25e-6
links = (10, 25, 100)


def allreduce(n, gbps):
    return 2 * (n - 1) / n * step_bytes / (gbps * 1e9 / 8) + 2 * (n - 1) * latency


def efficiency(n, batch, gbps):
    compute = batch * seconds_per_example / n
    return compute / (compute + allreduce(n, gbps))


header = [f"B=128 {g} Gb/s" for g in links] + [f"B=1024 {g} Gb/s" for g in links] + [f"B for 50 % at {g} Gb/s" for g in links]
print("| machines | " + " | ".join(header) + " |")
print("|---" * (len(header) + 1) + "|")
for n in (2, 4, 8, 16, 32, 64):
    cells = [f"{efficiency(n, b, g) * 100:.0f} %" for b in (128, 1024) for g in links]
    cells += [f"{n * allreduce(n, g) / seconds_per_example:,.0f}" for g in links]
    print(f"| {n} | " + " | ".join(cells) + " |")
