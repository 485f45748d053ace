#!/usr/bin/env bash
# Builds the sandbox's server binaries from the Go module proxy, once per version.
# Binaries are cached outside the repository, in $FAULTLINE_CACHE (default ~/.cache/faultline),
# one directory per component and version, so a version bump rebuilds only what changed.
# Usage: build.sh [--real-nodes]   (--real-nodes also builds the kubelet and kube-proxy)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/versions.sh"
CACHE=${FAULTLINE_CACHE:-$HOME/.cache/faultline}
WORK="$CACHE/build"
mkdir -p "$WORK"
command -v go >/dev/null || { echo "testenv: Go >= 1.26 is required to build the sandbox (https://go.dev/dl); 'go' was not found on PATH." >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -modcacherw"
log() { printf '[build %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
done_dir() { [ -f "$1/.complete" ]; }
# Runs a long build step, printing how long it has been going every 30 s so a cold build never looks stuck.
with_progress() {
  local what=$1; shift
  local began=$SECONDS
  ( while sleep 30; do log "  still building $what ($(( (SECONDS - began) / 60 ))m$(( (SECONDS - began) % 60 ))s)"; done ) &
  local ticker=$!
  local status=0
  "$@" || status=$?
  kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null || true
  return $status
}
modfield() { (cd "$(mktemp -d)" && go mod download -json "$1") | sed -n "s/^[[:space:]]*\"$2\": \"\(.*\)\",\{0,1\}$/\1/p"; }

build_toxiproxy() {
  local out="$CACHE/toxiproxy-$TOXIPROXY_VERSION"
  done_dir "$out" && return 0
  log "toxiproxy $TOXIPROXY_VERSION"
  rm -rf "$out"; mkdir -p "$out/tmp"
  GOBIN="$out/tmp" go install -ldflags "-s -w -X github.com/Shopify/toxiproxy/v2.Version=$TOXIPROXY_VERSION" \
    "github.com/Shopify/toxiproxy/v2/cmd/server@v$TOXIPROXY_VERSION" \
    "github.com/Shopify/toxiproxy/v2/cmd/cli@v$TOXIPROXY_VERSION"
  mv "$out/tmp/server" "$out/toxiproxy-server"; mv "$out/tmp/cli" "$out/toxiproxy-cli"; rmdir "$out/tmp"
  touch "$out/.complete"
}

build_kwok() {
  local out="$CACHE/kwok-$KWOK_VERSION"
  done_dir "$out" && return 0
  log "kwok $KWOK_VERSION"
  rm -rf "$out"; mkdir -p "$out"
  GOBIN="$out" with_progress kwok go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  local dir; dir=$(modfield "sigs.k8s.io/kwok@v$KWOK_VERSION" Dir)
  mkdir -p "$out/stages"
  cp -r "$dir/kustomize/stage/." "$out/stages/"
  chmod -R u+w "$out/stages"
  touch "$out/.complete"
}

build_etcd() {
  local out="$CACHE/etcd-$ETCD_VERSION" src="$WORK/etcd-$ETCD_VERSION"
  done_dir "$out" && return 0
  log "etcd $ETCD_VERSION"
  rm -rf "$out"; mkdir -p "$out" "$src"
  cp "$here/etcd/go.mod" "$here/etcd/go.sum" "$here/etcd/tools.go" "$src/"
  (cd "$src" && with_progress etcd go build -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION" \
    -o "$out/etcd" go.etcd.io/etcd/server/v3)
  touch "$out/.complete"
}

# Upstream's version stamps (hack/lib/version.sh), so every binary reports v$K8S_VERSION.
k8s_ldflags() {
  local V="v$K8S_VERSION" MAJ="${K8S_VERSION%%.*}" MIN; MIN=$(echo "$K8S_VERSION" | cut -d. -f2)
  local LDF="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LDF+=" -X $p.gitVersion=$V -X $p.gitMajor=$MAJ -X $p.gitMinor=$MIN -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  echo "$LDF"
}

# Binaries of the Kubernetes wrapper module, with upstream's build tags and version stamps.
build_k8s_binaries() {
  local name=$1 what=$2; shift 2
  local out="$CACHE/$name-$K8S_VERSION" src="$WORK/$name-$K8S_VERSION"
  done_dir "$out" && return 0
  log "kubernetes $K8S_VERSION ($what)"
  rm -rf "$out"; mkdir -p "$out" "$src"
  cp "$here/k8s/go.mod" "$here/k8s/go.sum" "$here/k8s/tools.go" "$src/"
  (cd "$src" && with_progress "$what" go build -tags selinux,notest,grpcnotrace -ldflags "$(k8s_ldflags)" -o "$out/" "$@")
  touch "$out/.complete"
}

build_k8s() {
  build_k8s_binaries kubernetes "kube-apiserver, kube-controller-manager, kube-scheduler, kubectl: the long one" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

# The real nodes' kubelet and kube-proxy, from the same module as the control plane.
build_k8s_node() {
  build_k8s_binaries kubernetes-node "kubelet, kube-proxy for the real nodes" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
}

start=$(date +%s)
build_toxiproxy
build_kwok
build_etcd
build_k8s
if [ "${1:-}" = --real-nodes ]; then build_k8s_node; fi
log "all binaries ready in $CACHE ($(( $(date +%s) - start ))s)"
