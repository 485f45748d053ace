# The real nodes' network (sourced by scripts/testenv.sh; needs BASE, RUN, LOGS, log, die and the ports).
#
# Every name and address is derived from the port base, so two sandboxes never touch each other's:
#   - a network namespace held by the file $RUN/node-network.net (not /run/netns: `ip netns add`
#     turns /run/netns into a mount point of the host for good): the real nodes' containerd, kubelet
#     and kube-proxy run in it, with one CNI bridge per node (cni0, cni1, ...) and the pods' veths;
#     kube-proxy's iptables rules live there, not on the host;
#   - a veth pair joining it to the host: flt$BASE on the host side, `uplink` inside, on a /28 of
#     100.64.0.0/10 (shared address space, RFC 6598): the host end is .1, node i is .(2+i);
#   - the host's nftables table `ip faultline_$BASE`, a table of its own (so `down` deletes it whole
#     and no table of the host's is created or changed), whose rules match only flt$BASE or this
#     sandbox's ports; route_localnet is turned on for flt$BASE alone.
# From the host, every listener is still on 127.0.0.1: the NodePorts are DNATed from 127.0.0.1 into the
# namespace (output), and the namespace reaches the apiserver and Toxiproxy's catalog proxy on the host
# end of the link, DNATed to their 127.0.0.1 listeners (prerouting on flt$BASE only).

NET_NS_PATH=$RUN/node-network.net
HOST_LINK=flt$BASE
NFT_TABLE=faultline_$BASE
net_offset=$(((BASE / 10) * 16))
net_prefix=100.$((64 + net_offset / 65536)).$(((net_offset / 256) % 256))
HOST_LINK_IP=$net_prefix.$((net_offset % 256 + 1))
NODE_NETWORK_CIDR=$net_prefix.$((net_offset % 256))/28
POD_NETWORK_CIDR=10.88.0.0/16
MAX_REAL_NODES=8

node_ip() { echo "$net_prefix.$((net_offset % 256 + 2 + $1))"; }
pod_subnet() { echo "10.88.$1.0/24"; }
in_node_network() { nsenter --net="$NET_NS_PATH" "$@"; }
is_mount_point() { awk -v p="$1" '$2 == p { found = 1 } END { exit !found }' /proc/self/mounts; }
node_network_exists() { is_mount_point "$NET_NS_PATH"; }
# The host's nftables by the system's path: under npm, node_modules/.bin comes first and holds
# @vercel/nft's command line, also called `nft`.
host_nft() { PATH=/usr/sbin:/sbin:/usr/bin:/bin nft "$@"; }

# Runs one setup step, logged; a failure stops `up` naming the step.
net_step() {
  "$@" >>"$LOGS/node-network.log" 2>&1 || die "setting up the real nodes' network failed at '$*'; see $LOGS/node-network.log."
}

node_network_up() {
  local count=$1 i
  node_network_exists && node_network_down
  clear_dead_sandbox_network
  touch "$NET_NS_PATH"
  net_step unshare --net="$NET_NS_PATH" true
  net_step ip link add "$HOST_LINK" type veth peer name uplink netns "$NET_NS_PATH"
  net_step ip addr add "$HOST_LINK_IP/28" dev "$HOST_LINK"
  net_step sysctl -qw "net.ipv4.conf.$HOST_LINK.route_localnet=1"
  net_step ip link set "$HOST_LINK" up
  net_step in_node_network ip link set lo up
  for ((i = 0; i < count; i++)); do net_step in_node_network ip addr add "$(node_ip "$i")/28" dev uplink; done
  net_step in_node_network ip link set uplink up
  net_step in_node_network sysctl -qw net.ipv4.ip_forward=1
  # Pod -> Service -> pod on the same bridge goes through kube-proxy's rules only with this (per namespace).
  net_step in_node_network sysctl -qw net.bridge.bridge-nf-call-iptables=1
  host_nat_table >"$RUN/host-nat.nft"
  net_step host_nft -f "$RUN/host-nat.nft"
}

# A link or table named for this port base that is still there is a dead sandbox's: one that used the
# same base from another directory and was killed before its `down`. Its ports are free (this `up` has
# just started the control plane on them), so no live sandbox owns it. Left in place, the veth cannot
# be created and nftables would merge the new rules into the stale table; it is removed, and said.
clear_dead_sandbox_network() {
  if ip link show "$HOST_LINK" >/dev/null 2>&1; then
    log "removing link $HOST_LINK, left by a sandbox on port base $BASE that ended without down"
    net_step ip link delete "$HOST_LINK"
  fi
  if host_nft list table ip "$NFT_TABLE" >/dev/null 2>&1; then
    log "removing nftables table ip $NFT_TABLE, left by a sandbox on port base $BASE that ended without down"
    net_step host_nft delete table ip "$NFT_TABLE"
  fi
}

# This sandbox's host rules, one nftables table.
host_nat_table() {
  cat <<EOF
table ip $NFT_TABLE {
  comment "faultline sandbox $BASE: real nodes' NodePorts at 127.0.0.1; host servers for the node network"
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "$HOST_LINK" ip daddr $HOST_LINK_IP tcp dport { $P_APISERVER, $P_CATALOG_PROXY } dnat to 127.0.0.1
  }
  chain output {
    type nat hook output priority -100; policy accept;
    ip daddr 127.0.0.1 tcp dport { $P_GRACEFUL_NODEPORT, $P_FRAGILE_NODEPORT } dnat to $(node_ip 0)
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "$HOST_LINK" ip saddr 127.0.0.0/8 snat to $HOST_LINK_IP
  }
}
EOF
}

# Kills what still runs in the namespace (only this sandbox's processes can be there), ends it by
# unmounting its file (which deletes the veth pair, the bridges and every rule inside) and deletes
# this sandbox's host table.
node_network_down() {
  if node_network_exists; then
    local netns proc pids=""
    netns="net:[$(stat -L -c %i "$NET_NS_PATH")]"
    for proc in /proc/[0-9]*; do
      [ "$(readlink "$proc/ns/net" 2>/dev/null)" = "$netns" ] && pids="$pids ${proc#/proc/}"
    done
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    umount "$NET_NS_PATH" 2>/dev/null || umount -l "$NET_NS_PATH"
  fi
  rm -f "$NET_NS_PATH"
  host_nft delete table ip "$NFT_TABLE" 2>/dev/null || true
  ip link delete "$HOST_LINK" 2>/dev/null || true
}

# What `down` checks it left nothing of: one line per leftover, nothing when clean.
node_network_leftovers() {
  node_network_exists && echo "network namespace $NET_NS_PATH"
  ip link show "$HOST_LINK" >/dev/null 2>&1 && echo "link $HOST_LINK"
  host_nft list table ip "$NFT_TABLE" >/dev/null 2>&1 && echo "nftables table ip $NFT_TABLE"
  true
}
