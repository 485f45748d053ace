# Real nodes for the sandbox (sourced by scripts/testenv.sh after node-network.sh and shop-images.sh).
#
# Node i is real-node-i: its own containerd (Debian's, with its own root, state, socket, runc root and
# CNI config under $RUN/real-nodes/i, written by real-node-configs.sh), a kubelet built from the
# control plane's Kubernetes module, labelled and tainted pool=real so only pods that ask for it land
# there (kwok manages only nodes annotated kwok.x-k8s.io/node=fake); the two share a mount namespace
# of their own. All nodes, and one kube-proxy (iptables mode), run in the sandbox's node network
# namespace; pods get their own network namespaces from the bridge + host-local CNI plugins. The
# shop's real pods (sandbox/shop-real.yaml) are reached through kube-proxy's NodePorts.

REAL=$RUN/real-nodes
# Each node's containerd root (images and their unpacked snapshots) outlives `down`, so a warm `up`
# imports nothing; `down` leaves no container, mount or process of it behind.
REAL_IMAGES=$STATE/real-node-images
K8S_NODE_BIN=$CACHE/kubernetes-node-$K8S_VERSION

# Node i's cgroup, in every v1 hierarchy: the kubelet puts its pods below it.
real_node_cgroup() { echo "faultline-$BASE-real-node-$1"; }
real_node_count() { cat "$RUN/real-nodes.count" 2>/dev/null || echo 0; }
real_node_components() {
  local n=${1:-$(real_node_count)} i out=""
  for ((i = 0; i < n; i++)); do out="$out containerd-$i kubelet-$i"; done
  [ "$n" -gt 0 ] && out="$out kube-proxy"
  echo "$out"
}

check_real_node_prerequisites() {
  [ "$(id -u)" = 0 ] || die "real nodes need root (network namespaces, iptables, containerd)."
  case $STATE/ in /run/* | /var/lib/* | /var/log/*) die "real nodes need the state directory outside /run, /var/lib and /var/log (FAULTLINE_TESTENV_DIR)." ;; esac
  local missing=""
  command -v containerd-shim-runc-v2 >/dev/null && command -v ctr >/dev/null || missing="$missing containerd"
  command -v runc >/dev/null || missing="$missing runc"
  [ -x /usr/lib/cni/bridge ] || missing="$missing containernetworking-plugins"
  command -v iptables >/dev/null || missing="$missing iptables"
  host_nft --version >/dev/null 2>&1 || missing="$missing nftables"
  command -v buildah >/dev/null || missing="$missing buildah"
  static_busybox >/dev/null || missing="$missing busybox-static"
  command -v nsenter >/dev/null && command -v unshare >/dev/null || missing="$missing util-linux"
  [ -z "$missing" ] || install_debian_packages "real nodes need$missing" $missing
}

# A static busybox's path (the pause image and the shop images' shell), or nothing and status 1.
static_busybox() {
  local busybox; busybox=$(command -v busybox) || return 1
  { ldd "$busybox" 2>&1 || true; } | grep -q 'not a dynamic executable' && echo "$busybox"
}

# Brings the real nodes to N (restarting them when another number runs; 0 keeps what runs), and the
# real shop onto them.
ensure_real_nodes() {
  local wanted=$1
  if [ "$wanted" -gt 0 ] && [ "$(real_node_count)" != "$wanted" ]; then
    stop_real_nodes
    log "starting $wanted real nodes"
    start_real_nodes "$wanted"
  fi
  local i
  if [ "$(real_node_count)" -gt 0 ]; then
    # Nodes that were already up get a shop image built since (imports skip what is there).
    for ((i = 0; i < $(real_node_count); i++)); do import_images "$REAL/$i/containerd.sock"; done
    log "deploying the shop on real pods"
    deploy_real_shop
  fi
}

real_nodes_env() {
  [ "$(real_node_count)" -gt 0 ] || return 0
  cat <<EOF
REAL_NODES=$(real_node_count)
REAL_NODES_DIR=$REAL
REAL_NODES_NETNS=$NET_NS_PATH
GRACEFUL_NODEPORT_URL=http://127.0.0.1:$P_GRACEFUL_NODEPORT
FRAGILE_NODEPORT_URL=http://127.0.0.1:$P_FRAGILE_NODEPORT
export REAL_NODES REAL_NODES_DIR REAL_NODES_NETNS GRACEFUL_NODEPORT_URL FRAGILE_NODEPORT_URL
EOF
}

start_real_nodes() {
  local count=$1 i
  mkdir -p "$REAL"
  node_network_up "$count"
  write_real_node_shared_configs
  for ((i = 0; i < count; i++)); do
    write_real_node_configs "$i"
    make_real_node_mount_namespace "$i"
    start "containerd-$i" nsenter $(real_node_namespaces "$i") containerd --config "$REAL/$i/containerd.toml"
  done
  local imports=() pid
  for ((i = 0; i < count; i++)); do
    wait_for "containerd-$i" 30 ctr --address "$REAL/$i/containerd.sock" --connect-timeout 2s version
    remove_containers "$i"
    import_images "$REAL/$i/containerd.sock" &
    imports+=($!)
  done
  for pid in "${imports[@]}"; do wait "$pid" || die "importing the images failed; see $LOGS/image-import.log."; done
  for ((i = 0; i < count; i++)); do
    make_real_node_cgroup "$i"
    start "kubelet-$i" nsenter $(real_node_namespaces "$i") "$K8S_NODE_BIN/kubelet" --config="$REAL/$i/kubelet.yaml" \
      --kubeconfig="$REAL/kubeconfig" --root-dir="$REAL/$i/kubelet" --hostname-override="real-node-$i" \
      --node-ip="$(node_ip "$i")" --node-labels=pool=real
  done
  start kube-proxy nsenter --net="$NET_NS_PATH" "$K8S_NODE_BIN/kube-proxy" --config="$REAL/kube-proxy.yaml"
  echo "$count" >"$RUN/real-nodes.count"
  wait_for "$count real nodes Ready" 120 bash -c "[ \"\$('$KUBECTL' --kubeconfig '$KUBECONFIG_FILE' get nodes -l pool=real --no-headers | grep -cw Ready)\" -ge $count ]"
}

# The shop on real pods: namespace shop-real, two Deployments behind NodePorts, each with a PDB.
deploy_real_shop() {
  sed -e "s|\${SHOP_IMAGE}|$SHOP_IMAGE|g" -e "s|\${CATALOG_URL}|http://$HOST_LINK_IP:$P_CATALOG_PROXY|g" \
    -e "s|\${GRACEFUL_NODEPORT}|$P_GRACEFUL_NODEPORT|g" -e "s|\${FRAGILE_NODEPORT}|$P_FRAGILE_NODEPORT|g" \
    "$ROOT/sandbox/shop-real.yaml" | kc apply -f - >>"$LOGS/fixtures.log" 2>&1 ||
    die "deploying the real shop failed; see $LOGS/fixtures.log."
  local d
  for d in storefront-graceful storefront-fragile; do
    wait_for "deployment shop-real/$d" 180 kc -n shop-real rollout status "deployment/$d" --timeout=2s
  done
  wait_for "the graceful NodePort" 30 curl -fsS -o /dev/null "http://127.0.0.1:$P_GRACEFUL_NODEPORT/"
  wait_for "the fragile NodePort" 30 curl -fsS -o /dev/null "http://127.0.0.1:$P_FRAGILE_NODEPORT/"
}

# Stops the real nodes and removes everything they made: containers (through containerd, then by
# cgroup), shims, their mount namespaces, the node network. Fails, listing them, when something is left.
stop_real_nodes() {
  [ -d "$REAL" ] || node_network_exists || return 0
  local n=0 dir i
  for dir in "$REAL"/[0-9]*/; do [ -d "$dir" ] && n=$((n + 1)); done
  local kubelets="" containerds=""
  for ((i = 0; i < n; i++)); do kubelets="$kubelets kubelet-$i" containerds="$containerds containerd-$i"; done
  stop_all kube-proxy $kubelets
  # Only these children are waited for: `up` that fails comes here with the servers as children too.
  local removals=() pid
  for ((i = 0; i < n; i++)); do
    remove_containers "$i" &
    removals+=($!)
  done
  for pid in "${removals[@]}"; do wait "$pid" || true; done
  stop_all $containerds
  for ((i = 0; i < n; i++)); do kill_real_node_cgroup "$i"; kill_leftover_shims "$i"; done
  # With no process left in it, unmounting a node's mount namespace file ends the namespace and
  # every mount in it (containers' root filesystems, pods' network namespaces, the tmpfs).
  unmount_under "$REAL"
  unmount_under "$REAL_IMAGES"
  rm -rf "$REAL_IMAGES"/[0-9]*/io.containerd.grpc.v1.cri/{sandboxes,containers}
  node_network_down
  rm -f "$RUN/real-nodes.count"
  local left; left=$(real_node_leftovers)
  if [ -n "$left" ]; then
    log "stopping the real nodes left these behind (their state is kept in $REAL):"
    printf '  %s\n' "$left" >&2
    return 1
  fi
  rm -rf "$REAL"
}

remove_containers() {
  local socket=$REAL/$1/containerd.sock id
  [ -S "$socket" ] || return 0
  local ctrn=(ctr --address "$socket" -n k8s.io)
  for id in $("${ctrn[@]}" tasks ls -q 2>/dev/null); do "${ctrn[@]}" tasks rm -f "$id" >/dev/null 2>&1 || true; done
  for id in $("${ctrn[@]}" containers ls -q 2>/dev/null); do "${ctrn[@]}" containers rm "$id" >/dev/null 2>&1 || true; done
}

# A shim outlives containerd by design; these are ours when their command line names our socket.
kill_leftover_shims() {
  local socket=$REAL/$1/containerd.sock file pid
  for file in "$REAL/$1"/containerd/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$socket" && kill -KILL "$pid" 2>/dev/null
  done
  return 0
}

# Node i's containerd and kubelet share a mount namespace of their own, in which /run, /var/lib
# and /var/log are empty tmpfs: what they write there by fixed paths (shim sockets, the kubelet's
# /var/lib/kubelet/{pki,device-plugins}, /var/log/containers links, the CNI cache) stays private to
# the node, and their mounts never appear on the host. nsenter opens the namespace files first.
make_real_node_mount_namespace() {
  local ns=$REAL/$1/mnt dir
  touch "$ns"
  net_step unshare --mount="$ns" --propagation private true
  for dir in /run /var/lib /var/log; do
    net_step nsenter --mount="$ns" mount -t tmpfs -o mode=0755,size=64m "faultline-$BASE-real-node-$1" "$dir"
  done
}
# nsenter's options for a process of node i (an argument list, for start's setsid).
real_node_namespaces() { echo "--mount=$REAL/$1/mnt --net=$NET_NS_PATH"; }

# The node's cgroup competes with the host's processes for CPU as one entity: it weighs what the
# kubelet gives its kubepods cgroup on a real node, 1024 per core (a new cgroup has 1024).
make_real_node_cgroup() {
  local hierarchy name; name=$(real_node_cgroup "$1")
  for hierarchy in /sys/fs/cgroup/*/; do
    [ -f "$hierarchy/cgroup.procs" ] && mkdir -p "$hierarchy$name"
  done
  [ -f "/sys/fs/cgroup/cpu/$name/cpu.shares" ] && echo $((1024 * $(nproc))) >"/sys/fs/cgroup/cpu/$name/cpu.shares"
  return 0
}

# Kills any process still in node i's cgroups (containers a dead shim left) and removes the cgroups.
kill_real_node_cgroup() {
  local dir
  for dir in /sys/fs/cgroup/*/"$(real_node_cgroup "$1")"; do
    [ -d "$dir" ] || continue
    find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || { sleep 0.5; find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null; }
  done
  return 0
}

# Unmounts every mount point below a directory, deepest first.
unmount_under() {
  local prefix=$1 mp
  awk -v p="$prefix/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r mp; do
    umount "$mp" 2>/dev/null || umount -l "$mp"
  done
}

# One line per thing the real nodes left behind; nothing when clean.
real_node_leftovers() {
  local file
  # The pattern does not match its own text, so grep does not find itself.
  for file in $(grep -lsE -- "$REAL/[0-9k]" /proc/[0-9]*/cmdline); do
    echo "process ${file//[!0-9]/}: $(tr '\0' ' ' <"$file" 2>/dev/null)"
  done
  awk -v p="$REAL/" -v q="$REAL_IMAGES/" 'index($2, p) == 1 || index($2, q) == 1 {print "mount " $2}' /proc/self/mounts
  ls -d /sys/fs/cgroup/*/faultline-"$BASE"-real-node-* 2>/dev/null
  node_network_leftovers
}

real_nodes_status() {
  local n; n=$(real_node_count)
  [ "$n" -gt 0 ] || return 0
  echo
  kc get nodes -l pool=real -o wide 2>/dev/null || true
  echo
  kc -n shop-real get deployments 2>/dev/null || true
}
