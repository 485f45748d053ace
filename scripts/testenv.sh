#!/usr/bin/env bash
# The local sandbox: a real Kubernetes control plane (etcd, kube-apiserver with RBAC and an
# audit log, kube-controller-manager, kube-scheduler), kwok fake nodes, Toxiproxy, Prometheus
# and the sample shop (catalog, resilient and fragile storefront, steady traffic), all on 127.0.0.1;
# optionally real nodes (kubelet + containerd) running the shop's storefronts in real pods.
#
#   scripts/testenv.sh up [--nodes N] [--real-nodes N]
#                                       build once (cached), start everything, create fixtures;
#                                       --real-nodes (default 0, at most 8) adds real nodes (root)
#   scripts/testenv.sh down             stop exactly what `up` started, by pid, and remove what it made
#   scripts/testenv.sh status           what runs, where; exit 0 only when everything is up
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/scripts/testenv/versions.sh"
CACHE=${FAULTLINE_CACHE:-$HOME/.cache/faultline}
STATE=${FAULTLINE_TESTENV_DIR:-$ROOT/.testenv}
RUN=$STATE/run
PIDS=$RUN/pids
LOGS=$STATE/logs
PKI=$RUN/pki
KUBECONFIG_FILE=$RUN/admin.kubeconfig

K8S_BIN=$CACHE/kubernetes-$K8S_VERSION
ETCD_BIN=$CACHE/etcd-$ETCD_VERSION/etcd
KWOK_DIR=$CACHE/kwok-$KWOK_VERSION
TOXIPROXY_BIN=$CACHE/toxiproxy-$TOXIPROXY_VERSION/toxiproxy-server
KUBECTL=$K8S_BIN/kubectl
NODE=$ROOT/node_modules/.bin/node

# Ports: one block, overridable as a whole when something else on the machine uses it. Keep it
# below Linux's ephemeral range (32768-60999 by default): there, any outgoing connection may be
# holding the port at the moment a server wants to listen on it.
BASE=${FAULTLINE_TESTENV_PORT_BASE:-26000}
P_ETCD=$((BASE + 379)) P_ETCD_PEER=$((BASE + 380)) P_APISERVER=$((BASE + 443))
P_KCM=$((BASE + 257)) P_SCHEDULER=$((BASE + 259)) P_KWOK=$((BASE + 247))
P_TOXIPROXY=$((BASE + 474)) P_PROMETHEUS=$((BASE + 90))
P_CATALOG=$((BASE + 81)) P_CATALOG_PROXY=$((BASE + 91))
P_STOREFRONT=$((BASE + 80)) P_FRAGILE=$((BASE + 82))
# Real nodes: NodePorts of the real shop, DNATed from 127.0.0.1 into the node network (not listeners).
P_GRACEFUL_NODEPORT=$((BASE + 330)) P_FRAGILE_NODEPORT=$((BASE + 332))
NODEPORT_RANGE=$((BASE + 300))-$((BASE + 349)) # the apiserver's, inside this sandbox's block
ALL_PORTS="$P_ETCD $P_ETCD_PEER $P_APISERVER $P_KCM $P_SCHEDULER $P_KWOK $P_TOXIPROXY $P_PROMETHEUS $P_CATALOG $P_CATALOG_PROXY $P_STOREFRONT $P_FRAGILE $P_GRACEFUL_NODEPORT $P_FRAGILE_NODEPORT"
# Start order; `down` stops them in reverse.
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok toxiproxy catalog storefront fragile-storefront traffic prometheus"

log() { printf '[testenv %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'testenv: %s\n' "$*" >&2; exit 1; }
kc() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

. "$ROOT/scripts/testenv/node-network.sh"
. "$ROOT/scripts/testenv/shop-images.sh"
. "$ROOT/scripts/testenv/real-node-configs.sh"
. "$ROOT/scripts/testenv/real-nodes.sh"
# Every component, in start order: the real nodes' come last.
components() { echo "$COMPONENTS $(real_node_components "$@")"; }

pid_of() { [ -f "$PIDS/$1.pid" ] && cat "$PIDS/$1.pid"; }
is_running() { local pid; pid=$(pid_of "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
port_bound() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until a command succeeds, or fails naming what it waited for and the log to read; at once
# when what it waits for is a component that has exited.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ -f "$PIDS/$what.pid" ] && ! is_running "$what"; then
      die "$what did not become ready: it exited; see $LOGS/$what.log"
    fi
    [ $SECONDS -lt $deadline ] || die "$what did not become ready within ${seconds}s; see $LOGS/"
    sleep 0.2
  done
}

# Starts a component detached in its own session, recording its pid before anything else happens.
start() {
  local name=$1; shift
  if is_running "$name"; then return 0; fi
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

check_prerequisites() {
  command -v openssl >/dev/null || die "openssl is required to create the sandbox's certificates (Debian: apt-get install openssl)."
  command -v curl >/dev/null || die "curl is required for the sandbox's health checks (Debian: apt-get install curl)."
  [ -x "$NODE" ] || die "the project's Node.js (node_modules/.bin/node) is missing: run 'npm ci' in $ROOT first."
  command -v prometheus >/dev/null || install_debian_packages "Prometheus is required" prometheus
}

# Installs Debian packages when it can (root, apt-get), else stops `up` with what to install.
install_debian_packages() {
  local why=$1; shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's $*"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@") >"$STATE/apt.log" 2>&1 ||
      die "installing Debian's $* failed; see $STATE/apt.log."
  else
    die "$why: install Debian's packages as root (apt-get install $*)."
  fi
}

make_pki() {
  [ -f "$PKI/admin.crt" ] && return 0
  mkdir -p "$PKI"
  (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=faultline-sandbox-ca" -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr
    printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile apiserver.ext -out apiserver.crt
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=faultline-admin" -keyout admin.key -out admin.csr
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile admin.ext -out admin.crt
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$LOGS/pki.log" 2>&1 || die "creating certificates failed; see $LOGS/pki.log."
  cat >"$KUBECONFIG_FILE" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: sandbox, cluster: {server: "https://127.0.0.1:$P_APISERVER", certificate-authority: $PKI/ca.crt}}]
users: [{name: admin, user: {client-certificate: $PKI/admin.crt, client-key: $PKI/admin.key}}]
contexts: [{name: sandbox, context: {cluster: sandbox, user: admin, namespace: default}}]
current-context: sandbox
EOF
}

write_configs() {
  # Audit only what changes state, so "no mutation" is a grep over this log.
  cat >"$RUN/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete, deletecollection]
  - level: None
EOF
  # The fast kwok stages: nodes turn Ready at once, pods Running/Ready when bound, deleted pods go at once.
  local s=$KWOK_DIR/stages
  {
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      echo '---'
      cat "$s/$f"
    done
  } >"$RUN/kwok-stages.yaml"
  cat >"$RUN/prometheus.yml" <<EOF
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: shop
    static_configs:
      - targets: ['127.0.0.1:$P_CATALOG', '127.0.0.1:$P_STOREFRONT', '127.0.0.1:$P_FRAGILE']
  - job_name: faultline
    file_sd_configs:
      - files: ['$RUN/faultline-targets.json']
        refresh_interval: 1s
EOF
  [ -f "$RUN/faultline-targets.json" ] || echo '[]' >"$RUN/faultline-targets.json"
}

start_control_plane() {
  start etcd "$ETCD_BIN" --name=sandbox --data-dir="$RUN/etcd" \
    --listen-client-urls="http://127.0.0.1:$P_ETCD" --advertise-client-urls="http://127.0.0.1:$P_ETCD" \
    --listen-peer-urls="http://127.0.0.1:$P_ETCD_PEER" --initial-advertise-peer-urls="http://127.0.0.1:$P_ETCD_PEER" \
    --initial-cluster="sandbox=http://127.0.0.1:$P_ETCD_PEER" --listen-metrics-urls="" \
    --unsafe-no-fsync=true --auto-compaction-retention=1 --quota-backend-bytes=4294967296 --log-level=warn
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$P_ETCD/health"

  start kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$P_ETCD" \
    --bind-address=127.0.0.1 --secure-port="$P_APISERVER" --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --service-node-port-range="$NODEPORT_RANGE" \
    --authorization-mode=Node,RBAC --allow-privileged=true \
    --audit-policy-file="$RUN/audit-policy.yaml" --audit-log-path="$LOGS/audit.log" --audit-log-maxsize=200 \
    --default-not-ready-toleration-seconds=30 --default-unreachable-toleration-seconds=30 \
    --max-requests-inflight=2000 --max-mutating-requests-inflight=1000
  wait_for kube-apiserver 90 curl -fsS --cacert "$PKI/ca.crt" "https://127.0.0.1:$P_APISERVER/readyz"

  start kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$KUBECONFIG_FILE" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
    --bind-address=127.0.0.1 --secure-port="$P_KCM" --leader-elect=false \
    --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --use-service-account-credentials=true \
    --kube-api-qps=500 --kube-api-burst=1000 --concurrent-replicaset-syncs=10 --concurrent-deployment-syncs=10
  start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$KUBECONFIG_FILE" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
    --bind-address=127.0.0.1 --secure-port="$P_SCHEDULER" --leader-elect=false \
    --kube-api-qps=500 --kube-api-burst=1000
  start kwok "$KWOK_DIR/kwok" --kubeconfig="$KUBECONFIG_FILE" --config="$RUN/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --node-ip=10.0.0.1 \
    --server-address="127.0.0.1:$P_KWOK"
  wait_for kube-controller-manager 60 curl -fsSk "https://127.0.0.1:$P_KCM/healthz"
  wait_for kube-scheduler 60 curl -fsSk "https://127.0.0.1:$P_SCHEDULER/healthz"
}

start_shop() {
  start toxiproxy env LOG_LEVEL=warn "$TOXIPROXY_BIN" -host 127.0.0.1 -port "$P_TOXIPROXY"
  wait_for toxiproxy 20 curl -fsS "http://127.0.0.1:$P_TOXIPROXY/version"
  local shop=$ROOT/sandbox/shop
  start catalog "$NODE" "$shop/catalog.ts" --port "$P_CATALOG"
  start storefront "$NODE" "$shop/storefront.ts" --port "$P_STOREFRONT" --mode resilient --service storefront \
    --catalog "http://127.0.0.1:$P_CATALOG_PROXY"
  start fragile-storefront "$NODE" "$shop/storefront.ts" --port "$P_FRAGILE" --mode fragile --service fragile-storefront \
    --catalog "http://127.0.0.1:$P_CATALOG_PROXY"
  ensure_catalog_proxy
  wait_for catalog 20 curl -fsS "http://127.0.0.1:$P_CATALOG/readyz"
  wait_for storefront 20 curl -fsS "http://127.0.0.1:$P_STOREFRONT/readyz"
  wait_for fragile-storefront 20 curl -fsS "http://127.0.0.1:$P_FRAGILE/readyz"
  start traffic "$NODE" "$shop/traffic.ts" --rps 5 \
    --target "http://127.0.0.1:$P_STOREFRONT/" --target "http://127.0.0.1:$P_FRAGILE/"
  start prometheus prometheus --config.file="$RUN/prometheus.yml" --storage.tsdb.path="$RUN/prometheus" \
    --storage.tsdb.retention.time=1d --web.listen-address="127.0.0.1:$P_PROMETHEUS" --web.enable-lifecycle
  wait_for prometheus 30 curl -fsS "http://127.0.0.1:$P_PROMETHEUS/-/ready"
}

# The Toxiproxy proxy `catalog`: storefronts reach the catalog only through it. Resets it to a clean state.
ensure_catalog_proxy() {
  local api="http://127.0.0.1:$P_TOXIPROXY"
  curl -fsS -o /dev/null "$api/proxies/catalog" 2>/dev/null ||
    curl -fsS -o /dev/null -X POST "$api/proxies" -H 'content-type: application/json' \
      -d "{\"name\":\"catalog\",\"listen\":\"127.0.0.1:$P_CATALOG_PROXY\",\"upstream\":\"127.0.0.1:$P_CATALOG\",\"enabled\":true}" ||
    die "could not create the Toxiproxy proxy 'catalog'; see $LOGS/toxiproxy.log."
}

nodes_yaml() {
  local n=$1 i
  for ((i = 0; i < n; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations: {node.alpha.kubernetes.io/ttl: "0", kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: kwok-node-$i, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok, pool: web}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
EOF
  done
}

create_fixtures() {
  local nodes=$1
  local have; have=$(kc get nodes -l type=kwok -o name 2>/dev/null | wc -l)
  if [ "$have" -lt "$nodes" ]; then
    log "creating $nodes fake nodes (pool=web)"
    nodes_yaml "$nodes" | kc apply -f - >"$LOGS/fixtures.log" 2>&1 || die "creating fake nodes failed; see $LOGS/fixtures.log."
  fi
  kc apply -f "$ROOT/scripts/testenv/fixtures.yaml" >>"$LOGS/fixtures.log" 2>&1 || die "creating fixtures failed; see $LOGS/fixtures.log."
  wait_for "fake nodes Ready" 120 bash -c "[ \"\$('$KUBECTL' --kubeconfig '$KUBECONFIG_FILE' get nodes -l type=kwok --no-headers | grep -cw Ready)\" -ge $nodes ]"
  wait_for "deployment shop/checkout" 120 kc -n shop rollout status deployment/checkout --timeout=2s
}

write_env() {
  cat >"$STATE/env" <<EOF
KUBECONFIG=$KUBECONFIG_FILE
TOXIPROXY_URL=http://127.0.0.1:$P_TOXIPROXY
PROMETHEUS_URL=http://127.0.0.1:$P_PROMETHEUS
STOREFRONT_URL=http://127.0.0.1:$P_STOREFRONT
FRAGILE_STOREFRONT_URL=http://127.0.0.1:$P_FRAGILE
CATALOG_URL=http://127.0.0.1:$P_CATALOG
CATALOG_PROXY_LISTEN=127.0.0.1:$P_CATALOG_PROXY
KUBE_APISERVER_URL=https://127.0.0.1:$P_APISERVER
KUBE_AUDIT_LOG=$LOGS/audit.log
PROMETHEUS_FILE_SD=$RUN/faultline-targets.json
TESTENV_NODES=$(cat "$RUN/nodes")
PATH=$K8S_BIN:$CACHE/toxiproxy-$TOXIPROXY_VERSION:\$PATH
export KUBECONFIG TOXIPROXY_URL PROMETHEUS_URL STOREFRONT_URL FRAGILE_STOREFRONT_URL CATALOG_URL CATALOG_PROXY_LISTEN KUBE_APISERVER_URL KUBE_AUDIT_LOG PROMETHEUS_FILE_SD TESTENV_NODES PATH
EOF
  real_nodes_env >>"$STATE/env"
}

all_running() {
  local c
  for c in $(components); do is_running "$c" || return 1; done
}

cmd_up() {
  local nodes=3 real_nodes=0
  while [ $# -gt 0 ]; do
    case $1 in
      --nodes) nodes=${2:?--nodes needs a number}; shift 2 ;;
      --nodes=*) nodes=${1#*=}; shift ;;
      --real-nodes) real_nodes=${2:?--real-nodes needs a number}; shift 2 ;;
      --real-nodes=*) real_nodes=${1#*=}; shift ;;
      *) die "unknown option for up: $1 (expected --nodes N or --real-nodes N)" ;;
    esac
  done
  [[ $nodes =~ ^[0-9]+$ ]] && [ "$nodes" -ge 1 ] || die "--nodes expects a positive number, found '$nodes'."
  [[ $real_nodes =~ ^[0-9]+$ ]] && [ "$real_nodes" -le "$MAX_REAL_NODES" ] ||
    die "--real-nodes expects a number from 0 to $MAX_REAL_NODES, found '$real_nodes'."
  local t0=$SECONDS
  mkdir -p "$STATE" "$LOGS"
  check_prerequisites
  if [ "$real_nodes" -gt 0 ]; then
    check_real_node_prerequisites
    bash "$ROOT/scripts/testenv/build.sh" --real-nodes
    shop_images_ensure
  else
    bash "$ROOT/scripts/testenv/build.sh"
  fi
  if [ -d "$PIDS" ] && ! all_running; then
    log "a previous sandbox is partly running; stopping it first"
    cmd_down
  fi
  if all_running; then
    log "already up"
    # Adding real nodes to it: a failure then stops only them.
    trap 'code=$?; if [ $code -ne 0 ]; then log "real nodes failed; stopping them"; stop_real_nodes >/dev/null 2>&1 || true; fi' EXIT
  else
    for p in $ALL_PORTS; do
      port_bound "$p" && die "port 127.0.0.1:$p is already in use by another program; stop it or set FAULTLINE_TESTENV_PORT_BASE."
    done
    mkdir -p "$PIDS" "$LOGS"
    # A failed up stops what it started: never a half-sandbox holding ports.
    trap 'code=$?; if [ $code -ne 0 ]; then log "up failed; stopping what it started"; cmd_down >/dev/null 2>&1 || true; fi' EXIT
    make_pki
    write_configs
    log "starting the control plane"
    start_control_plane
    log "starting toxiproxy, the shop and prometheus"
    start_shop
  fi
  echo "$nodes" >"$RUN/nodes"
  create_fixtures "$nodes"
  ensure_catalog_proxy
  ensure_real_nodes "$real_nodes"
  write_env
  trap - EXIT
  log "sandbox up in $((SECONDS - t0))s; environment in $STATE/env (source it: . $STATE/env)"
}

# Stops components: TERM to each process group (in the order given), then KILL what is left after 10 s.
stop_all() {
  local name pid pids=""
  for name in "$@"; do
    pid=$(pid_of "$name") || continue
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids="$pids $pid"
    fi
  done
  local i alive
  for i in $(seq 1 100); do
    alive=""
    for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
    [ -z "$alive" ] && break
    sleep 0.1
  done
  for pid in $alive; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
  for name in "$@"; do rm -f "$PIDS/$name.pid"; done
}

cmd_down() {
  [ -d "$PIDS" ] || { log "not running"; return 0; }
  local clean=0
  stop_real_nodes || clean=1
  local c reversed=""
  for c in $COMPONENTS; do reversed="$c $reversed"; done
  stop_all $reversed
  local p
  for p in $ALL_PORTS; do
    local i
    for i in $(seq 1 50); do port_bound "$p" || break; sleep 0.1; done
    port_bound "$p" && log "warning: port $p is still bound by a process this script did not start"
  done
  [ $clean = 0 ] || return 1
  rm -rf "$RUN" "$STATE/env"
  log "sandbox down"
}

cmd_status() {
  local c ok=0
  for c in $(components); do
    if is_running "$c"; then printf '%-26s running (pid %s)\n' "$c" "$(pid_of "$c")"; else printf '%-26s stopped\n' "$c"; ok=1; fi
  done
  [ -f "$STATE/env" ] && { echo; grep -E '_URL=|^KUBECONFIG=' "$STATE/env"; }
  real_nodes_status
  return $ok
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: scripts/testenv.sh up [--nodes N] [--real-nodes N] | down | status" >&2; exit 2 ;;
esac
