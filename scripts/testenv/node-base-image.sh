#!/usr/bin/env bash
# A local stand-in for the official Node image, for building the Containerfile where no image
# registry is reachable (test/integration/container-image.test.ts). Prints the image's name.
#
# Its root filesystem holds what the Containerfile's stages use of node:24-bookworm-slim:
#   /usr/local/bin/node        the binary of the npm package `node` (the devDependency node@24)
#   /usr/local/bin/npm, npx    npm from the npm registry (the version on this machine)
#   /lib, /lib64               the shared libraries `ldd` lists for node, from this Debian's packages
#   /bin/sh and small tools    Debian's busybox-static (npm runs scripts with sh; tar unpacks)
#   /etc/ssl/certs             this machine's CA bundle (its egress may present a private CA)
#   /etc/passwd, /etc/group    root and node (1000), as in the official image; /var/run -> /run
# Assembling it takes seconds; `debootstrap --variant=minbase` (a whole Debian) took minutes.
# The image is tagged with a hash of all its content, so it is built once per content and reused
# from buildah's storage (vfs, as root) afterwards.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
buildah() { command buildah --storage-driver vfs "$@"; }

node_bin=$ROOT/node_modules/node/bin/node
node_version=$("$node_bin" --version)
npm_version=$(npm --version)
busybox=$(command -v busybox)
! ldd "$busybox" >/dev/null 2>&1 || { echo "node-base-image: $busybox is not static (apt-get install busybox-static)" >&2; exit 1; }
ca_bundle=/etc/ssl/certs/ca-certificates.crt
mapfile -t libs < <(ldd "$node_bin" | grep -o '/[^ ]*')

cache=${FAULTLINE_CACHE:-$HOME/.cache/faultline}/npm-$npm_version
if [ ! -f "$cache/npm-$npm_version.tgz" ]; then
  mkdir -p "$cache"
  npm pack --silent --pack-destination "$cache" "npm@$npm_version" >/dev/null
fi
npm_tgz=$cache/npm-$npm_version.tgz

hash=$(cat "${BASH_SOURCE[0]}" "$node_bin" "$npm_tgz" "$busybox" "$ca_bundle" "${libs[@]}" | sha256sum | cut -c1-16)
image=localhost/faultline-node-base:$hash
if buildah inspect --type image "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
rootfs=$(buildah mount "$ctr")
mkdir -p "$rootfs"/{bin,etc/ssl/certs,lib64,root,run,tmp,usr/bin,usr/local/bin,usr/local/lib/node_modules,var,home/node}
chmod 1777 "$rootfs/tmp"
ln -s /run "$rootfs/var/run"
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
for lib in "${libs[@]}"; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
install -m 0755 "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
ln -s /bin/busybox "$rootfs/usr/bin/env"
cp "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$rootfs/etc/group"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chown 1000:1000 "$rootfs/home/node"
buildah unmount "$ctr" >/dev/null

buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="${node_version#v}" \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --cmd node "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
trap - EXIT
# Bases of older content are of no more use.
for old in $(buildah images --format '{{.Name}}:{{.Tag}}' | grep '^localhost/faultline-node-base:' | grep -vx "$image"); do
  buildah rmi "$old" >/dev/null 2>&1 || true
done
echo "$image"
