#!/bin/sh
# Runs an mpirun job of two processes on two "hosts" joined by a link of a given rate, without a
# second machine: two network namespaces on a bridge (as scripts/mpi-two-hosts.sh), each end of the
# link shaped by a token bucket (tc tbf). Used to measure what overlapping the gradient sums with the
# backward pass gains when the network, not the host, is slow. Deletes everything it made.
#
# usage (as root): bench/mpi-shaped-link.sh RATE COMMAND [ARGUMENT…]    e.g. 1gbit .build/release/AxoneBench cnn --distributed
set -eu
rate=${1:?usage: $0 RATE COMMAND [ARGUMENT…]}
shift
id=$$
hostA=axone-a-$id hostB=axone-b-$id switch=axone-br-$id
addressA=10.252.$((id % 250)).1 addressB=10.252.$((id % 250)).2
subnet=10.252.$((id % 250)).0/24
work=$(mktemp -d)

cleanup() {
    for namespace in "$hostA" "$hostB" "$switch"; do ip netns delete "$namespace" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$switch"
ip -n "$switch" link add bridge0 type bridge
ip -n "$switch" link set bridge0 up
for host in A B; do
    eval namespace=\$host$host address=\$address$host
    ip netns add "$namespace"
    ip -n "$switch" link add "port$host" type veth peer name eth0 netns "$namespace"
    ip -n "$switch" link set "port$host" master bridge0 up
    ip -n "$namespace" address add "$address/24" dev eth0
    ip -n "$namespace" link set eth0 up
    ip -n "$namespace" link set lo up
    ip netns exec "$namespace" tc qdisc add dev eth0 root tbf rate "$rate" burst 256kb latency 50ms
done

cat > "$work/rsh.sh" <<SCRIPT
#!/bin/sh
case "\$1" in
    $addressA) namespace=$hostA ;;
    $addressB) namespace=$hostB ;;
    *) echo "rsh.sh: unknown host \$1" >&2; exit 1 ;;
esac
shift
exec ip netns exec "\$namespace" /bin/sh -c "\$*"
SCRIPT
chmod +x "$work/rsh.sh"
printf '%s slots=1\n%s slots=1\n' "$addressA" "$addressB" > "$work/hosts"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ip netns exec "$hostA" mpirun --hostfile "$work/hosts" -np 2 --mca plm_rsh_agent "$work/rsh.sh" \
    --mca btl tcp,self --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" \
    --wdir "$(pwd)" "$@"
