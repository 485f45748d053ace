# Versions of the sandbox's servers; a change here rebuilds only that component.
K8S_VERSION=1.36.3
K8S_STAGING=0.36.3
ETCD_VERSION=3.6.14
KWOK_VERSION=0.8.0
TOXIPROXY_VERSION=2.12.0
