# Configuration files of the real nodes (sourced by scripts/testenv.sh; see real-nodes.sh): node i's
# containerd, CNI network and kubelet, and the kubeconfig and kube-proxy configuration they share.

write_real_node_configs() {
  local i=$1 dir=$REAL/$1
  mkdir -p "$dir/cni" "$dir/pod-logs"
  cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$REAL_IMAGES/$i"
state = "$dir/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$dir/containerd.sock"
[debug]
  level = "warn"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # Without CAP_SYS_RESOURCE runc cannot give the pause container its oom_score_adj of -998.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$dir/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni"
    max_conf_num = 1
EOF
  cat >"$dir/cni/10-pods.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "faultline-$BASE-real-node-$i",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni$i", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$(pod_subnet "$i")" }]],
                "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "$dir/cni-ipam" }
    }
  ]
}
EOF
  cat >"$dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $((10250 + i))
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $((10350 + i))
containerRuntimeEndpoint: unix://$dir/containerd.sock
cgroupDriver: cgroupfs
# Pods go under the node's own cgroup, in QoS classes, so the pods of one node weigh as much CPU as
# its allocatable cores against the host's other processes (and down finds all of them there).
cgroupsPerQOS: true
cgroupRoot: /$(real_node_cgroup "$i")
failCgroupV1: false
failSwapOn: false
authentication: { anonymous: { enabled: true }, webhook: { enabled: false } }
authorization: { mode: AlwaysAllow }
enforceNodeAllocatable: []
localStorageCapacityIsolation: false
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
podLogsDir: $dir/pod-logs
resolvConf: ""
maxPods: 30
serializeImagePulls: false
registerWithTaints: [{ key: pool, value: real, effect: NoSchedule }]
EOF
}

write_real_node_shared_configs() {
  # The node network reaches the apiserver on the host end of its link; the certificate names localhost.
  cat >"$REAL/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: sandbox, cluster: {server: "https://$HOST_LINK_IP:$P_APISERVER", certificate-authority: $PKI/ca.crt, tls-server-name: localhost}}]
users: [{name: admin, user: {client-certificate: $PKI/admin.crt, client-key: $PKI/admin.key}}]
contexts: [{name: sandbox, context: {cluster: sandbox, user: admin}}]
current-context: sandbox
EOF
  cat >"$REAL/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $REAL/kubeconfig }
mode: iptables
hostnameOverride: real-node-0
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: $POD_NETWORK_CIDR
nodePortAddresses: [$NODE_NETWORK_CIDR]
# Leave the host's conntrack settings alone (they are not all per network namespace).
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
iptables: { localhostNodePorts: false }
EOF
}
