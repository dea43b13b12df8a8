#!/usr/bin/env bash
# Makes the hello-world root filesystem tarball: a single static executable
# /hello (scripts/base-images/hello-world/hello.c), like Docker's hello-world.
#
#   scripts/base-images/hello-world-rootfs.sh OUT.tar
#
# Needs gcc and libc6-dev (scripts/setup.sh installs them). The tar is
# reproducible for a given compiler (fixed mtime, 0/0 owners, no build id).
# Env: CC (default gcc), SOURCE_DATE_EPOCH (default 2024-01-01T00:00:00Z).
set -euo pipefail
export LC_ALL=C

out=${1:?usage: hello-world-rootfs.sh OUT.tar}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$here/hello-world/hello.c
cc=${CC:-gcc}
epoch=${SOURCE_DATE_EPOCH:-1704067200}

command -v "$cc" >/dev/null || { echo "hello-world-rootfs: $cc not found (apt-get install gcc libc6-dev)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/berth-hello.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/rootfs
mkdir -p "$root"

common=(-Os -s -static -Wl,--build-id=none -fno-asynchronous-unwind-tables -fno-ident -ffile-prefix-map="$here"=.)
# Tiny raw-syscall build first; fall back to static glibc where that is not possible.
if ! "$cc" "${common[@]}" -nostdlib -fno-stack-protector -fno-pie -no-pie \
     -Wl,-z,noseparate-code -Wl,-z,norelro -o "$root/hello" "$src" 2>"$tmp/cc.log"; then
  "$cc" "${common[@]}" -DHELLO_LIBC -o "$root/hello" "$src" || {
    cat "$tmp/cc.log" >&2
    echo "hello-world-rootfs: compiling hello.c failed (is libc6-dev installed?)" >&2
    exit 1
  }
fi
"$root/hello" >/dev/null || { echo "hello-world-rootfs: the built /hello does not run" >&2; exit 1; }
chmod 0755 "$root" "$root/hello"

mkdir -p "$(dirname "$out")"
tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name --mtime="@$epoch" \
  -C "$root" -cf "$out.tmp.$$" .
mv -f "$out.tmp.$$" "$out"
