#!/usr/bin/env bash
# Builds (once per version) the real kube-apiserver and etcd that kubecpp's tests run against.
#
# Both come from the Go module proxy: kube-apiserver from the k8s.io/kubernetes module, whose
# go.mod points every k8s.io/* staging module at ./staging; outside that repository those
# modules are the published v0.Y.Z releases, so the replace lines are derived from the pinned
# go.mod itself. etcd is a tiny etcdmain.Main wrapper (tools/testenv/etcd).
#
# Binaries are cached under $KUBECPP_CACHE/testenv/bin/<component>-<version>/ so that a second
# run does not rebuild. Prints the two binary paths, one per line, on success.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"

cache="${KUBECPP_CACHE:-$HOME/.cache/kubecpp}/testenv"
k8s_bin="$cache/bin/kube-apiserver-$KUBE_VERSION/kube-apiserver"
etcd_bin="$cache/bin/etcd-$ETCD_VERSION/etcd"

log() { echo "testenv build: $*" >&2; }

build_kube_apiserver() {
  [[ -x "$k8s_bin" ]] && return 0
  local work="$cache/build/kube-apiserver-$KUBE_VERSION"
  rm -rf "$work" && mkdir -p "$work"
  log "fetching k8s.io/kubernetes@$KUBE_VERSION go.mod"
  local modfile
  modfile="$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  [[ -f "$modfile" ]] || { log "could not download k8s.io/kubernetes@$KUBE_VERSION"; return 1; }
  local go_directive staging_version
  go_directive="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$modfile" | head -n1)"
  # v1.Y.Z of kubernetes is released together with v0.Y.Z of every staging module.
  staging_version="v0.${KUBE_VERSION#v1.}"
  {
    echo "module kubecpp.invalid/testenv/kube-apiserver"
    echo
    echo "go $go_directive"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    sed -n 's|^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*$|\t\1 => \1 '"$staging_version"'|p' "$modfile"
    echo ")"
  } > "$work/go.mod"
  cat > "$work/tools.go" <<'GO'
//go:build tools

// Package tools pins the kube-apiserver command into this module's build list.
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
GO
  log "resolving modules for kube-apiserver $KUBE_VERSION ($(grep -c '=> k8s.io' "$work/go.mod") staging replaces)"
  (cd "$work" && GOFLAGS=-mod=mod go mod tidy)
  log "building kube-apiserver $KUBE_VERSION (several minutes on a cold cache)"
  local pkg=k8s.io/component-base/version
  local minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
  mkdir -p "$(dirname "$k8s_bin")"
  (cd "$work" && CGO_ENABLED=0 go build -trimpath -o "$k8s_bin.tmp" \
    -ldflags "-s -w -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean" \
    k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$k8s_bin.tmp" "$k8s_bin"
}

build_etcd() {
  [[ -x "$etcd_bin" ]] && return 0
  local work="$cache/build/etcd-$ETCD_VERSION"
  rm -rf "$work" && mkdir -p "$work"
  cp "$here/etcd/main.go" "$work/"
  cat > "$work/go.mod" <<MOD
module kubecpp.invalid/testenv/etcd

go 1.24

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
MOD
  log "resolving modules for etcd $ETCD_VERSION"
  (cd "$work" && GOFLAGS=-mod=mod go mod tidy)
  log "building etcd $ETCD_VERSION"
  mkdir -p "$(dirname "$etcd_bin")"
  (cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$etcd_bin.tmp" .)
  mv "$etcd_bin.tmp" "$etcd_bin"
}

build_etcd
build_kube_apiserver
echo "$etcd_bin"
echo "$k8s_bin"
