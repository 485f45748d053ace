# The real nodes' network (sourced by scripts/testenv.sh; needs BASE, LOGS, log, die and the ports).
#
# Every name and address is derived from the port base, so two sandboxes never touch each other's:
#   - network namespace faultline-$BASE: the real nodes' containerd, kubelet and kube-proxy run in it,
#     with one CNI bridge per node (cni0, cni1, ...) and the pods' veths; kube-proxy's iptables rules
#     live there, not on the host;
#   - a veth pair joining it to the host: flt$BASE on the host side, `uplink` inside, on a /28 of
#     100.64.0.0/10 (shared address space, RFC 6598): the host end is .1, node i is .(2+i);
#   - host nat chains FAULTLINE-$BASE-{IN,OUT,SNAT}, reached only from rules naming flt$BASE or one of
#     this sandbox's ports; route_localnet is turned on for flt$BASE alone.
# From the host, every listener is still on 127.0.0.1: the NodePorts are DNATed from 127.0.0.1 into the
# namespace (OUTPUT), and the namespace reaches the apiserver and Toxiproxy's catalog proxy on the host
# end of the link, DNATed to their 127.0.0.1 listeners (PREROUTING on flt$BASE only).

NET_NS=faultline-$BASE
NET_NS_PATH=/run/netns/$NET_NS
HOST_LINK=flt$BASE
NAT_CHAIN=FAULTLINE-$BASE
net_offset=$(((BASE / 10) * 16))
net_prefix=100.$((64 + net_offset / 65536)).$(((net_offset / 256) % 256))
HOST_LINK_IP=$net_prefix.$((net_offset % 256 + 1))
NODE_NETWORK_CIDR=$net_prefix.$((net_offset % 256))/28
POD_NETWORK_CIDR=10.88.0.0/16
MAX_REAL_NODES=8

node_ip() { echo "$net_prefix.$((net_offset % 256 + 2 + $1))"; }
pod_subnet() { echo "10.88.$1.0/24"; }
in_node_network() { nsenter --net="$NET_NS_PATH" "$@"; }
node_network_exists() { [ -e "$NET_NS_PATH" ]; }

# Runs one setup step, logged; a failure stops `up` naming the step.
net_step() {
  "$@" >>"$LOGS/node-network.log" 2>&1 || die "setting up the real nodes' network failed at '$*'; see $LOGS/node-network.log."
}

node_network_up() {
  local count=$1 i
  node_network_exists && node_network_down
  net_step ip netns add "$NET_NS"
  net_step ip link add "$HOST_LINK" type veth peer name uplink netns "$NET_NS"
  net_step ip addr add "$HOST_LINK_IP/28" dev "$HOST_LINK"
  net_step sysctl -qw "net.ipv4.conf.$HOST_LINK.route_localnet=1"
  net_step ip link set "$HOST_LINK" up
  net_step ip -n "$NET_NS" link set lo up
  for ((i = 0; i < count; i++)); do net_step ip -n "$NET_NS" addr add "$(node_ip "$i")/28" dev uplink; done
  net_step ip -n "$NET_NS" link set uplink up
  net_step in_node_network sysctl -qw net.ipv4.ip_forward=1
  # Pod -> Service -> pod on the same bridge goes through kube-proxy's rules only with this (per namespace).
  net_step in_node_network sysctl -qw net.bridge.bridge-nf-call-iptables=1
  host_nat_rules -A
}

# -A adds this sandbox's host rules, -D deletes them (each deletion may fail when already gone).
host_nat_rules() {
  local op=$1 port chain
  local comment=(-m comment --comment "faultline sandbox $BASE")
  if [ "$op" = -A ]; then
    for chain in IN OUT SNAT; do net_step iptables -t nat -N "$NAT_CHAIN-$chain"; done
    for port in $P_APISERVER $P_CATALOG_PROXY; do
      net_step iptables -t nat -A "$NAT_CHAIN-IN" -d "$HOST_LINK_IP" -p tcp --dport "$port" -j DNAT --to-destination "127.0.0.1:$port"
    done
    for port in $P_GRACEFUL_NODEPORT $P_FRAGILE_NODEPORT; do
      net_step iptables -t nat -A "$NAT_CHAIN-OUT" -p tcp --dport "$port" -j DNAT --to-destination "$(node_ip 0):$port"
    done
    net_step iptables -t nat -A "$NAT_CHAIN-SNAT" -s 127.0.0.0/8 -j SNAT --to-source "$HOST_LINK_IP"
    net_step iptables -t nat -A PREROUTING -i "$HOST_LINK" "${comment[@]}" -j "$NAT_CHAIN-IN"
    net_step iptables -t nat -A OUTPUT -d 127.0.0.1/32 -p tcp -m multiport --dports "$P_GRACEFUL_NODEPORT,$P_FRAGILE_NODEPORT" \
      "${comment[@]}" -j "$NAT_CHAIN-OUT"
    net_step iptables -t nat -A POSTROUTING -o "$HOST_LINK" "${comment[@]}" -j "$NAT_CHAIN-SNAT"
    return 0
  fi
  iptables -t nat -D PREROUTING -i "$HOST_LINK" "${comment[@]}" -j "$NAT_CHAIN-IN"
  iptables -t nat -D OUTPUT -d 127.0.0.1/32 -p tcp -m multiport --dports "$P_GRACEFUL_NODEPORT,$P_FRAGILE_NODEPORT" \
    "${comment[@]}" -j "$NAT_CHAIN-OUT"
  iptables -t nat -D POSTROUTING -o "$HOST_LINK" "${comment[@]}" -j "$NAT_CHAIN-SNAT"
  for chain in IN OUT SNAT; do
    iptables -t nat -F "$NAT_CHAIN-$chain" && iptables -t nat -X "$NAT_CHAIN-$chain"
  done
}

# Kills what still runs in the namespace (only this sandbox's processes can be there), deletes it
# (which deletes the veth pair, the bridges and every rule inside) and this sandbox's host rules.
node_network_down() {
  if node_network_exists; then
    local pids; pids=$(ip netns pids "$NET_NS" 2>/dev/null || true)
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    ip netns delete "$NET_NS" 2>/dev/null || true
  fi
  host_nat_rules -D >/dev/null 2>&1 || true
  ip link delete "$HOST_LINK" 2>/dev/null || true
}

# What `down` checks it left nothing of: one line per leftover, nothing when clean.
node_network_leftovers() {
  node_network_exists && echo "network namespace $NET_NS"
  ip link show "$HOST_LINK" >/dev/null 2>&1 && echo "link $HOST_LINK"
  iptables -t nat -S 2>/dev/null | grep -q -- "$NAT_CHAIN" && echo "iptables nat chains $NAT_CHAIN-*"
  true
}
