# Two "hosts" for an Open MPI job without a second machine, sourced by scripts/mpi-two-hosts.sh and
# bench/mpi-shaped-link.sh (as root): two network namespaces, each with one end of a veth pair whose
# other end is on a bridge in a third namespace, with private addresses that exist only inside
# them. `make_hosts PREFIX` makes them (PREFIX: the first two numbers of the addresses, e.g.
# 10.251), then `host_mpirun SECONDS ARGUMENT…` runs mpirun (ended after SECONDS) in the first host with an rsh agent that starts
# the second's daemon through `ip netns exec`, so every byte of the job crosses the bridge and
# nothing leaves the namespaces. Everything is deleted when the sourcing script exits.
id=$$
hostA=axone-a-$id hostB=axone-b-$id switch=axone-br-$id
work=$(mktemp -d)

cleanup() {
    for namespace in "$hostA" "$hostB" "$switch"; do ip netns delete "$namespace" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

make_hosts() {
    addressA=$1.$((id % 250)).1 addressB=$1.$((id % 250)).2
    subnet=$1.$((id % 250)).0/24
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
    done
    # mpirun runs `rsh.sh HOST COMMAND…` to start its daemon on HOST: here, in HOST's namespace.
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
}

host_mpirun() {
    seconds=$1
    shift
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 timeout "$seconds" ip netns exec "$hostA" mpirun --hostfile "$work/hosts" -np 2 \
        --mca plm_rsh_agent "$work/rsh.sh" --mca btl tcp,self --mca btl_tcp_if_include "$subnet" \
        --mca oob_tcp_if_include "$subnet" "$@"
}
