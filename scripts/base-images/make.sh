#!/usr/bin/env bash
# Makes Berth's base images from local material and imports them into berthd:
#   busybox:latest      from Debian's busybox-static    CMD ["sh"]
#   hello-world:latest  from hello-world/hello.c         CMD ["/hello"]
#   debian:bookworm     with --debian: debootstrap minbase from the apt mirror, CMD ["bash"]
#
#   scripts/base-images/make.sh [--debian] [--force] [--no-import]
#   (--force: build the tars and import them again even if present)
#
# Rootfs tars are cached in ${BERTH_CACHE:-/var/cache/berth}/base-images and rebuilt
# only when missing or when their inputs (busybox binary and package version,
# these scripts, the compiler) changed. An image is imported only when
# `berth images -q REF` prints nothing, or when it is still the image this script
# imported earlier from an older tar. Idempotent; safe to run again and again.
#
# Env: BERTH (client command, default: the repo's dist/berth.js, else `berth`),
#      BERTH_CACHE, BERTH_DEBIAN_MIRROR (default: apt's configured bookworm mirror),
#      and the client's own BERTH_HOST / DOCKER_HOST.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${BERTH_CACHE:-/var/cache/berth}/base-images
path_env='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

want_debian=0 force=0 do_import=1
for arg in "$@"; do
  case $arg in
    --debian) want_debian=1 ;;
    --force) force=1 ;;
    --no-import) do_import=0 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

say() { echo "base-images: $*"; }
die() { echo "base-images: error: $*" >&2; exit 1; }

if [[ -n ${BERTH:-} ]]; then
  read -r -a berth <<<"$BERTH"
elif [[ -f $repo/dist/berth.js ]]; then
  berth=(node "$repo/dist/berth.js")
elif command -v berth >/dev/null; then
  berth=(berth)
else
  berth=()
  ((do_import == 0)) || die "no berth client: run 'npm run build' (or scripts/setup.sh) first"
fi

mkdir -p "$cache"

sha() { sha256sum "$@" | awk '{print $1}' | sha256sum | awk '{print $1}'; }

# build NAME STAMP_TEXT COMMAND... : runs COMMAND OUT.tar unless NAME.tar exists
# with the same stamp.
build() {
  local name=$1 stamp=$2; shift 2
  local tar=$cache/$name.tar
  if ((force == 0)) && [[ -f $tar && -f $cache/$name.stamp ]] && [[ $(<"$cache/$name.stamp") == "$stamp" ]]; then
    return 0
  fi
  say "building $name rootfs -> $tar"
  "$@" "$tar"
  printf '%s\n' "$stamp" >"$cache/$name.stamp.tmp"
  mv -f "$cache/$name.stamp.tmp" "$cache/$name.stamp"
}

# import_image NAME REF CHANGES... : imports NAME.tar as REF unless REF exists already.
# NAME.imported remembers "<tar sha256> <image id>" so that a tar rebuilt after a
# busybox upgrade replaces the image we made before (but never someone else's).
import_image() {
  local name=$1 ref=$2; shift 2
  local tar=$cache/$name.tar record=$cache/$name.imported
  local id tar_sum old_sum="" old_id=""
  id=$("${berth[@]}" images -q "$ref") || die "'berth images -q $ref' failed (is berthd running?)"
  id=${id%%$'\n'*}
  tar_sum=$(sha256sum "$tar" | awk '{print $1}')
  [[ -f $record ]] && read -r old_sum old_id <"$record" || true
  if [[ -n $id ]]; then
    if [[ $id != "$old_id" || $tar_sum == "$old_sum" ]] && ((force == 0)); then
      say "$ref present ($id)"
      return 0
    fi
    say "$ref ($id) was made from an older rootfs; importing again"
  fi
  local changes=()
  for c in "$@"; do changes+=(-c "$c"); done
  say "importing $ref"
  "${berth[@]}" import "${changes[@]}" -m "berth base image from scripts/base-images ($name)" "$tar" "$ref" >/dev/null
  id=$("${berth[@]}" images -q "$ref")
  id=${id%%$'\n'*}
  [[ -n $id ]] || die "imported $ref but 'berth images -q $ref' prints nothing"
  printf '%s %s\n' "$tar_sum" "$id" >"$record"
  say "$ref imported ($id)"
}

# --- busybox ---------------------------------------------------------------
busybox_bin=${BUSYBOX:-/bin/busybox}
[[ -x $busybox_bin ]] || die "$busybox_bin missing: apt-get install busybox-static (scripts/setup.sh does)"
busybox_version=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || echo unknown)
build busybox \
  "busybox-static=$busybox_version bin=$(sha "$busybox_bin") script=$(sha "$here/busybox-rootfs.sh")" \
  "$here/busybox-rootfs.sh"

# --- hello-world -----------------------------------------------------------
cc_version=$("${CC:-gcc}" -dumpfullversion 2>/dev/null || echo none)
build hello-world \
  "cc=$cc_version script=$(sha "$here/hello-world-rootfs.sh" "$here/hello-world/hello.c")" \
  "$here/hello-world-rootfs.sh"

# --- debian (optional) -----------------------------------------------------
debian_mirror() {
  if [[ -n ${BERTH_DEBIAN_MIRROR:-} ]]; then echo "$BERTH_DEBIAN_MIRROR"; return; fi
  # The mirror apt itself uses for bookworm (deb822 .sources and .list files alike).
  apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Identifier: Packages' 2>/dev/null |
    awk '$2 == "bookworm" { print $1; exit }'
}

debian_rootfs() {
  local out=$1 mirror arch dir
  command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install debootstrap"
  mirror=$(debian_mirror)
  [[ -n $mirror ]] || die "no bookworm mirror in apt's sources (set BERTH_DEBIAN_MIRROR)"
  arch=$(dpkg --print-architecture)
  dir=$(mktemp -d "$cache/debian.XXXXXX")
  # debootstrap mounts proc/sys (and may bind /dev) inside the target: unmount
  # whatever is left below it before removing anything.
  # shellcheck disable=SC2064
  trap "cleanup_chroot '$dir'" EXIT
  say "debootstrap bookworm ($arch) from $mirror (takes a few minutes)"
  if ! debootstrap --variant=minbase --arch="$arch" bookworm "$dir/rootfs" "$mirror" >"$dir/debootstrap.log" 2>&1; then
    tail -n 30 "$dir/debootstrap.log" >&2
    die "debootstrap failed (full log: $dir/debootstrap.log)"
  fi
  cleanup_mounts "$dir"
  local r=$dir/rootfs
  # As in Docker's debian image: no package caches or lists, an empty /dev, and
  # no host-specific files (the runtime provides hostname, hosts, resolv.conf).
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin "$r"/var/lib/apt/lists/* \
         "$r"/var/log/bootstrap.log "$r"/dev/* "$r"/proc/* "$r"/sys/* "$r"/tmp/* "$r"/run/*
  rm -f "$r/etc/hostname" "$r/etc/resolv.conf" "$r/etc/machine-id"
  mkdir -p "$r/var/lib/apt/lists/partial"
  tar --format=gnu --numeric-owner --sort=name -C "$r" -cf "$out.tmp.$$" .
  mv -f "$out.tmp.$$" "$out"
  cleanup_chroot "$dir"
  trap - EXIT
}

cleanup_mounts() {
  local dir=$1 m
  while read -r m; do umount -l "$m" 2>/dev/null || true; done < <(
    awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r)
}

cleanup_chroot() {
  cleanup_mounts "$1"
  rm -rf --one-file-system "$1"
}

if ((want_debian)); then
  # Built once; --force builds it again (a newer point release, security updates).
  build debian-bookworm "debian bookworm minbase" debian_rootfs
fi

# --- import ----------------------------------------------------------------
if ((do_import)); then
  import_image busybox busybox:latest 'CMD ["sh"]' "$path_env"
  import_image hello-world hello-world:latest 'CMD ["/hello"]' "$path_env"
  if ((want_debian)); then
    import_image debian-bookworm debian:bookworm 'CMD ["bash"]' "$path_env"
  fi
fi
