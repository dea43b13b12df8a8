#!/usr/bin/env bash
# Makes the image berth/registry:latest (`berth registry serve` in a container) from
# local material only and imports it into a berthd:
#   the host's node binary + the shared libraries `ldd` lists + dist/berth.js
# (the registry server needs no native addon, so no node_modules).
#
#   scripts/registry-image.sh [-H unix:///path/berth.sock] [IMAGE]
#   berth run -d --network host -v /srv/registry:/var/lib/registry berth/registry:latest
#   berth run -d --network host berth/registry:latest --addr 127.0.0.1:5001 --root /var/lib/registry
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
host=${BERTH_HOST:-${DOCKER_HOST:-unix:///run/berth/berth.sock}}
if [[ ${1:-} == -H ]]; then host=$2; shift 2; fi
image=${1:-berth/registry:latest}

[[ -f $repo/dist/berth.js ]] || { echo "dist/berth.js missing: run npm run build" >&2; exit 1; }
node_bin=$(readlink -f "$(command -v node)")
rootfs=$(mktemp -d /tmp/berth-registry-rootfs-XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
# Every library node links against, at the path the dynamic loader looks for it (resolving symlinks).
for lib in $(ldd "$node_bin" | grep -oE '/[^ ]+'); do
  install -D -m 0755 "$(readlink -f "$lib")" "$rootfs$lib"
done
install -D -m 0644 "$repo/dist/berth.js" "$rootfs/opt/berth/berth.js"
mkdir -p "$rootfs/var/lib/registry" "$rootfs/tmp" "$rootfs/etc"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/usr/local/bin/node\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"

tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf - . |
  node "$repo/dist/berth.js" -H "$host" import \
    -c 'ENTRYPOINT ["/usr/local/bin/node", "/opt/berth/berth.js", "registry", "serve"]' \
    -c 'CMD ["--addr", "0.0.0.0:5000", "--root", "/var/lib/registry"]' \
    -c 'EXPOSE 5000' \
    -c 'ENV NODE_ENV=production' \
    -m 'berth registry server from local material' \
    - "$image"
