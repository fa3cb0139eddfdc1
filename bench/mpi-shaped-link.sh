#!/bin/sh
# Runs an mpirun job of two processes on two "hosts" joined by a link of a given rate, without a
# second machine: the namespaces of scripts/mpi-namespaces.sh, each end of the link shaped by a
# token bucket (tc tbf). Measures what overlapping the gradient sums with the backward pass gains
# when the network, not the host, is slow. Deletes everything it made.
#
# usage (as root): bench/mpi-shaped-link.sh RATE COMMAND [ARGUMENT…]
#   e.g. bench/mpi-shaped-link.sh 1gbit .build/release/AxoneBench cnn --distributed --threads 1 --bucket-kib 0
set -eu
rate=${1:?usage: $0 RATE COMMAND [ARGUMENT…]}
shift
. "$(dirname "$0")/../scripts/mpi-namespaces.sh"
make_hosts 10.252
for namespace in "$hostA" "$hostB"; do ip netns exec "$namespace" tc qdisc add dev eth0 root tbf rate "$rate" burst 256kb latency 50ms; done
host_mpirun 3600 --wdir "$(pwd)" "$@"
