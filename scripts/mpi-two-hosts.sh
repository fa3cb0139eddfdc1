#!/bin/sh
# Trains across two "hosts" without a second machine (scripts/mpi-namespaces.sh: two network
# namespaces on a bridge, private addresses, mpirun reaching the second through `ip netns exec`).
# Checks that 2 processes end with the weights of 1 process, then deletes everything it made.
#
# usage (as root): scripts/mpi-two-hosts.sh path/to/axone
set -eu
axone=$(realpath "${1:?usage: $0 path/to/axone}")
. "$(dirname "$0")/mpi-namespaces.sh"
make_hosts 10.251

# 512 examples of 4 features, 3 classes (a fixed sequence: the same file on every run).
awk 'BEGIN { x = 1; for (i = 0; i < 512; i++) { best = 0; line = "";
    for (j = 0; j < 4; j++) { x = (x * 16807) % 2147483647; f[j] = x / 2147483647 - 0.5; line = line f[j] ",";
        if (f[j] > f[best]) best = j }
    print line (best % 3) } }' > "$work/data.csv"

cd "$work"
options="--model mlp:4-16-3 --csv data.csv --batch-size 128 --epochs 2 --verbose 0 --threads 1"
"$axone" train $options --output one.safetensors --history one.csv >/dev/null
host_mpirun 300 "$axone" train --distributed $options --output two.safetensors --history two.csv
# Both hosts took part: each process reports where it ran.
hosts=$(host_mpirun 120 /bin/sh -c 'ip -4 -o address show dev eth0' | grep -o "inet [0-9.]*" | sort | tr '\n' ' ')
echo "hosts of the job: $hosts"
[ "$hosts" = "inet $addressA inet $addressB " ] || { echo "the job did not span both hosts" >&2; exit 1; }
cmp one.safetensors two.safetensors
cmp one.csv two.csv
echo "two hosts: the same weights as one process"
