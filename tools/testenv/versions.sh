# Pinned versions of the control plane kubecpp is tested against. Override from the environment
# (KUBE_VERSION=v1.36.3 ./dev test) to run the same suite against another minor version.
KUBE_VERSION="${KUBE_VERSION:-v1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
