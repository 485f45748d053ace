# Images for the real nodes (sourced by scripts/testenv.sh; needs ROOT, CACHE, LOGS, log, die).
#
# No registry is reachable, so both images are built with buildah from files on this machine:
#   - faultline-shop: the shop's sources (sandbox/shop/*.ts), the npm packages they import, the Node
#     binary of the npm `node` package and the libraries it links against (ldd), on an empty base;
#   - faultline-pause: the pods' sandbox container, Debian's busybox-static sleeping.
# Each is exported once as an OCI archive into $CACHE/images/, named by a hash of its contents (and
# of the function that lays them out), so `up` rebuilds only when the shop's sources, their packages,
# Node or the libraries change.

IMAGES=$CACHE/images

# Prints "path" lines for every file whose content goes into the shop image.
shop_image_files() {
  local shop=$ROOT/sandbox/shop
  ls "$shop"/*.ts
  "$NODE" -e '
    const { readFileSync, existsSync } = require("node:fs");
    const { join, dirname } = require("node:path");
    const [root, ...sources] = process.argv.slice(1);
    const wanted = new Set();
    for (const file of sources)
      for (const [, name] of readFileSync(file, "utf8").matchAll(/from \x27([^.\x27][^\x27]*)\x27/g))
        if (!name.startsWith("node:")) wanted.add(name.split("/").slice(0, name.startsWith("@") ? 2 : 1).join("/"));
    // The import closure through package.json dependencies (flat node_modules, nested ones win).
    const dirs = new Set();
    const visit = (name, from) => {
      let dir = join(from, "node_modules", name);
      if (!existsSync(dir)) dir = join(root, "node_modules", name);
      if (dirs.has(dir)) return;
      dirs.add(dir);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir);
    };
    for (const name of wanted) visit(name, root);
    console.log([...dirs].sort().join("\n"));
  ' "$ROOT" "$shop"/*.ts | while read -r dir; do find "$dir" -type f; done | sort
}

node_libraries() {
  ldd "$NODE_BINARY" | awk '/=> \//{print $3} /^\t\/lib/{print $1}'
}

shop_images_ensure() {
  NODE_BINARY=$(readlink -f "$ROOT/node_modules/node/bin/node")
  [ -x "$NODE_BINARY" ] || die "the npm package 'node' is missing: run 'npm ci' in $ROOT first."
  command -v buildah >/dev/null || die "buildah is required to build the real nodes' images (Debian: apt-get install buildah)."
  local busybox; busybox=$(static_busybox) ||
    die "a static busybox is required for the pause image (Debian: apt-get install busybox-static)."
  mkdir -p "$IMAGES"
  local files libs hash
  # Node itself counts by its version and size: hashing its 120 MB on every `up` would cost seconds.
  files=$(shop_image_files)
  libs=$(node_libraries)
  hash=$( {
    printf '%s\n' "$files" $libs | xargs sha256sum | sed "s|$ROOT/||"
    echo "node $(stat -c %s "$NODE_BINARY") $(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$ROOT/node_modules/node/package.json")"
    declare -f stage_shop_image
  } | sha256sum | cut -c1-16)
  SHOP_IMAGE=localhost/faultline-shop:$hash
  SHOP_ARCHIVE=$IMAGES/faultline-shop-$hash.tar
  hash=$( { sha256sum "$busybox" | cut -d' ' -f1; declare -f stage_pause_image; } | sha256sum | cut -c1-16)
  PAUSE_IMAGE=localhost/faultline-pause:$hash
  PAUSE_ARCHIVE=$IMAGES/faultline-pause-$hash.tar
  [ -f "$SHOP_ARCHIVE" ] || build_image "$SHOP_IMAGE" "$SHOP_ARCHIVE" stage_shop_image "$files" "$libs"
  [ -f "$PAUSE_ARCHIVE" ] || build_image "$PAUSE_IMAGE" "$PAUSE_ARCHIVE" stage_pause_image "$busybox"
  # Worktrees share the cache: archives no sandbox used for a week go.
  touch "$SHOP_ARCHIVE" "$PAUSE_ARCHIVE"
  find "$IMAGES" -maxdepth 1 -name 'faultline-*.tar' -mtime +7 -delete
}

# The build context: rootfs/ is copied to / as it is.
stage_shop_image() {
  local ctx=$1 files=$2 libs=$3 file lib
  mkdir -p "$ctx/rootfs/app" "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/tmp"
  cp "$NODE_BINARY" "$ctx/rootfs/usr/local/bin/node"
  for lib in $libs; do
    mkdir -p "$ctx/rootfs$(dirname "$lib")"
    cp -L "$lib" "$ctx/rootfs$lib"
  done
  while read -r file; do
    mkdir -p "$ctx/rootfs/app/$(dirname "${file#"$ROOT/"}")"
    cp "$file" "$ctx/rootfs/app/${file#"$ROOT/"}"
  done <<<"$files"
  echo '{ "type": "module", "private": true }' >"$ctx/rootfs/app/package.json"
  cat >"$ctx/Containerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
WORKDIR /app
ENTRYPOINT ["/usr/local/bin/node"]
EOF
}

stage_pause_image() {
  local ctx=$1 busybox=$2
  mkdir -p "$ctx/rootfs"
  cp "$busybox" "$ctx/rootfs/busybox"
  cat >"$ctx/Containerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
ENTRYPOINT ["/busybox", "sleep", "2147483647"]
EOF
}

# Builds with buildah in a private store (vfs, chroot isolation: no daemon, no registry; its CNI lock
# in the build directory, not /etc/cni), exports an OCI archive and removes the store again.
build_image() {
  local image=$1 archive=$2 stage=$3; shift 3
  local work; work=$(mktemp -d "$IMAGES/build.XXXXXX")
  log "building image $image"
  local store=(--root "$work/store" --runroot "$work/run" --storage-driver vfs)
  {
    "$stage" "$work/ctx" "$@" &&
      buildah "${store[@]}" bud --isolation chroot --layers=false --cni-config-dir "$work/cni" \
        -t "$image" -f "$work/ctx/Containerfile" "$work/ctx" &&
      buildah "${store[@]}" push "$image" "oci-archive:$archive.tmp:$image" &&
      mv "$archive.tmp" "$archive"
  } >"$LOGS/image-build.log" 2>&1 || {
    rm -f "$archive.tmp"
    die "building $image failed; see $LOGS/image-build.log."
  }
  buildah "${store[@]}" rmi --all --force >/dev/null 2>&1 || true
  rm -rf "$work"
}

# Imports both images into one node's containerd, unpacked for the snapshotter its CRI uses, unless
# they are there already (a node's image store outlives `down`); older builds of them are removed.
import_images() {
  local ctrn=(ctr --address "$1" -n k8s.io) present image
  present=$("${ctrn[@]}" images ls -q)
  for image in $present; do
    case $image in "$PAUSE_IMAGE" | "$SHOP_IMAGE") ;; localhost/faultline-*) "${ctrn[@]}" images rm "$image" >/dev/null ;; esac
  done
  grep -qxF "$PAUSE_IMAGE" <<<"$present" || import_archive "$1" "$PAUSE_ARCHIVE"
  grep -qxF "$SHOP_IMAGE" <<<"$present" || import_archive "$1" "$SHOP_ARCHIVE"
}

import_archive() {
  ctr --address "$1" -n k8s.io images import --snapshotter overlayfs "$2" >>"$LOGS/image-import.log" 2>&1 ||
    die "importing $2 into $1 failed; see $LOGS/image-import.log."
}
