#!/usr/bin/env bash
# Makes a busybox root filesystem tarball from Debian's busybox-static, laid out
# like Docker's busybox image: /bin/busybox plus a hard link for every applet,
# the usual /etc files and an empty FHS skeleton, everything owned by root.
#
#   scripts/base-images/busybox-rootfs.sh OUT.tar
#
# The tar is reproducible byte for byte (fixed mtime, numeric 0/0 owners,
# sorted entries, explicit modes), so the same busybox binary always gives the
# same layer digest. Env: BUSYBOX (binary, default /bin/busybox),
# SOURCE_DATE_EPOCH (mtime of every entry, default 2024-01-01T00:00:00Z).
set -euo pipefail
export LC_ALL=C

out=${1:?usage: busybox-rootfs.sh OUT.tar}
busybox=${BUSYBOX:-/bin/busybox}
epoch=${SOURCE_DATE_EPOCH:-1704067200}

die() { echo "busybox-rootfs: $*" >&2; exit 1; }
[[ -x $busybox ]] || die "$busybox not found (apt-get install busybox-static)"
# Debian's plain 'busybox' package is dynamically linked and would not run in an
# empty rootfs; insist on a static binary.
if command -v readelf >/dev/null && LC_ALL=C readelf -l "$busybox" 2>/dev/null | grep -q 'program interpreter'; then
  die "$busybox is dynamically linked; install busybox-static"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/berth-busybox.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/rootfs
umask 022

for d in bin sbin usr usr/bin usr/sbin etc home root tmp var var/spool var/spool/mail var/www dev proc sys; do
  mkdir -p "$root/$d"
done
install -m 0755 "$busybox" "$root/bin/busybox"

# One hard link per applet at the path busybox itself reports (bin/sh, usr/bin/env,
# sbin/ifconfig, ...). linuxrc is an initrd entry point, not wanted in an image.
while IFS= read -r applet; do
  applet=${applet#/}
  case $applet in ''|linuxrc|bin/busybox) continue ;; esac
  mkdir -p "$root/$(dirname "$applet")"
  ln "$root/bin/busybox" "$root/$applet"
done < <("$busybox" --list-full | sort -u)
[[ -e $root/bin/sh ]] || die "busybox has no sh applet"

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
PASSWD
cat > "$root/etc/shadow" <<'SHADOW'
root:*:10933:0:99999:7:::
daemon:*:10933:0:99999:7:::
bin:*:10933:0:99999:7:::
sys:*:10933:0:99999:7:::
sync:*:10933:0:99999:7:::
mail:*:10933:0:99999:7:::
www-data:*:10933:0:99999:7:::
operator:*:10933:0:99999:7:::
nobody:*:10933:0:99999:7:::
SHADOW
cat > "$root/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
GROUP
cat > "$root/etc/nsswitch.conf" <<'NSS'
hosts: files dns
networks: files
NSS

# Explicit modes so the result does not depend on the caller's umask.
find "$root" -type d -exec chmod 0755 {} +
chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf"
chmod 0600 "$root/etc/shadow"
chmod 0700 "$root/root"
chmod 1777 "$root/tmp"
chmod 0755 "$root/bin/busybox"

mkdir -p "$(dirname "$out")"
tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name --mtime="@$epoch" \
  -C "$root" -cf "$out.tmp.$$" .
mv -f "$out.tmp.$$" "$out"
