#!/bin/sh
# Trains across two "hosts" without a second machine: two network namespaces, each with one end of
# a veth pair whose other end is on a bridge in a third namespace, with private addresses that exist
# only inside them. mpirun starts in the first and reaches the second through an rsh agent that runs
# `ip netns exec`, so every byte of the job crosses the bridge and nothing leaves the namespaces.
# Checks that 2 processes end with the weights of 1 process, then deletes everything it made.
#
# usage (as root): scripts/mpi-two-hosts.sh path/to/axone
set -eu
axone=$(realpath "${1:?usage: $0 path/to/axone}")
id=$$
hostA=axone-a-$id hostB=axone-b-$id switch=axone-br-$id
addressA=10.251.$((id % 250)).1 addressB=10.251.$((id % 250)).2
subnet=10.251.$((id % 250)).0/24
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
done

# mpirun runs `rsh.sh HOST COMMAND…` to start its daemon on HOST: here, in HOST's namespace.
cat > "$work/rsh.sh" <<EOF
#!/bin/sh
case "\$1" in
    $addressA) namespace=$hostA ;;
    $addressB) namespace=$hostB ;;
    *) echo "rsh.sh: unknown host \$1" >&2; exit 1 ;;
esac
shift
exec ip netns exec "\$namespace" /bin/sh -c "\$*"
EOF
chmod +x "$work/rsh.sh"
printf '%s slots=1\n%s slots=1\n' "$addressA" "$addressB" > "$work/hosts"

# 512 examples of 4 features, 3 classes (a fixed sequence: the same file on every run).
awk 'BEGIN { x = 1; for (i = 0; i < 512; i++) { best = 0; line = "";
    for (j = 0; j < 4; j++) { x = (x * 16807) % 2147483647; f[j] = x / 2147483647 - 0.5; line = line f[j] ",";
        if (f[j] > f[best]) best = j }
    print line (best % 3) } }' > "$work/data.csv"

cd "$work"
options="--model mlp:4-16-3 --csv data.csv --batch-size 128 --epochs 2 --verbose 0 --threads 1"
"$axone" train $options --output one.safetensors --history one.csv >/dev/null
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
timeout 300 ip netns exec "$hostA" mpirun --hostfile hosts -np 2 --mca plm_rsh_agent "$work/rsh.sh" \
    --mca btl tcp,self --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" \
    "$axone" train --distributed $options --output two.safetensors --history two.csv
# Both hosts took part: each process reports where it ran.
hosts=$(timeout 120 ip netns exec "$hostA" mpirun --hostfile hosts -np 2 --mca plm_rsh_agent "$work/rsh.sh" \
    --mca btl tcp,self --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" \
    /bin/sh -c 'ip -4 -o address show dev eth0' | grep -o "inet [0-9.]*" | sort | tr '\n' ' ')
echo "hosts of the job: $hosts"
[ "$hosts" = "inet $addressA inet $addressB " ] || { echo "the job did not span both hosts" >&2; exit 1; }
cmp one.safetensors two.safetensors
cmp one.csv two.csv
echo "two hosts: the same weights as one process"
