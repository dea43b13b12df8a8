#!/usr/bin/env bash
# Brings a Debian 12 machine to the point where Berth runs, and makes sure the
# running berthd is the code in this checkout:
#   1. apt packages (runc, conmon, iptables, busybox-static, ...) when missing
#   2. npm ci when node_modules is missing or older than package-lock.json
#   3. npm run build when dist/ is missing or older than the sources
#   4. berth and berthd on the PATH (/usr/local/bin symlinks), group 'berth'
#   5. berthd in the background on /run/berth/berth.sock (restarted when it runs
#      an older build), log in /var/log/berth/berthd.log
#   6. base images busybox, hello-world and debian:bookworm (scripts/base-images/make.sh;
#      debootstrap of debian takes ~30-80 s once, then it is cached)
# Idempotent and quick when everything is in place. Non-interactive (CI=true ok).
# Run as root. Env: BERTH_SETUP_SKIP_APT=1, BERTH_SETUP_NO_DAEMON=1 (stop after 4),
# BERTH_LOG_LEVEL (passed to berthd as --log-level), BERTH_SETUP_NO_DEBIAN=1 (no debian image).
set -euo pipefail
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

sock=/run/berth/berth.sock
exec_root=/run/berth
logdir=/var/log/berth
log=$logdir/berthd.log

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root (berthd needs root for mounts, namespaces and iptables)"

# --- 1. system packages ------------------------------------------------------
# docker.io is a peer for side-by-side tests (its dockerd is only started by them, on its own roots);
# docker-registry (distribution 2.8) and skopeo are registry peers for the pull/push tests;
# docker-compose (1.29, docker-py) is an outside client for test/e2e/compose.test.ts; hyperfine is for the benchmarks.
packages=(runc conmon iptables iproute2 busybox-static attr gcc libc6-dev debootstrap docker.io docker-registry docker-compose skopeo curl tini hyperfine tmux zstd xz-utils bzip2)
if [[ ${BERTH_SETUP_SKIP_APT:-0} != 1 ]]; then
  missing=()
  for p in "${packages[@]}"; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
  done
  if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    apt-get update -qq </dev/null || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" </dev/null >/dev/null ||
      die "apt-get install ${missing[*]} failed"
  else
    say "system packages present"
  fi
fi

# --- 2. node and node_modules ------------------------------------------------
command -v node >/dev/null || die "node (>= 20) is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || die "node $(node -v) is too old; Berth needs node >= 20"

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error </dev/null
fi
# npm 11 runs install scripts only for packages listed in package.json "allowScripts";
# make sure the native xattr addon really got built.
if [[ ! -f node_modules/fs-xattr/build/Release/xattr.node ]]; then
  say "building native addons (npm rebuild fs-xattr esbuild)"
  npm rebuild fs-xattr esbuild --loglevel=error </dev/null
  [[ -f node_modules/fs-xattr/build/Release/xattr.node ]] ||
    die "fs-xattr native addon did not build (node_modules/fs-xattr/build/Release/xattr.node missing)"
fi

# --- 3. build ------------------------------------------------------------------
needs_build() {
  local out
  for out in dist/berth.js dist/berthd.js; do
    [[ -f $out ]] || return 0
    [[ -z $(find src scripts/build.mjs package.json package-lock.json tsconfig.json node_modules/.package-lock.json \
      -newer "$out" -print -quit 2>/dev/null) ]] || return 0
  done
  return 1
}
if needs_build; then
  say "npm run build"
  npm run --silent build </dev/null || die "build failed"
  [[ -f dist/berth.js && -f dist/berthd.js ]] || die "build did not produce dist/berth.js and dist/berthd.js"
else
  say "build up to date"
fi

# --- 4. PATH and group -------------------------------------------------------------
for bin in berth berthd; do
  if [[ $(readlink "/usr/local/bin/$bin" 2>/dev/null) != "$repo/dist/$bin.js" ]]; then
    ln -sfn "$repo/dist/$bin.js" "/usr/local/bin/$bin"
    say "/usr/local/bin/$bin -> $repo/dist/$bin.js"
  fi
done
groupadd -f berth

if [[ ${BERTH_SETUP_NO_DAEMON:-0} == 1 ]]; then
  say "BERTH_SETUP_NO_DAEMON=1: not starting berthd"
  exit 0
fi

# --- 5. berthd -------------------------------------------------------------------
# GET /_ping on the socket; 0 when a daemon answers 200.
ping_daemon() {
  [[ -S $sock ]] || return 1
  node -e '
    const req = require("node:http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 2000 },
      (res) => { res.resume(); process.exit(res.statusCode === 200 ? 0 : 1); });
    req.on("timeout", () => process.exit(1));
    req.on("error", () => process.exit(1));' "$sock" 2>/dev/null
}

is_berthd() { [[ -r /proc/$1/cmdline ]] && tr '\0' '\n' <"/proc/$1/cmdline" | grep -q 'berthd'; }

# pid of the berthd serving $sock: the process holding the socket, else (still
# starting up) the one named by a pid file in the exec root.
daemon_pid() {
  local f pid inode link
  inode=$(awk -v p="$sock" '$NF == p { print $7; exit }' /proc/net/unix)
  if [[ -n $inode ]]; then
    while IFS= read -r link; do
      pid=${link#/proc/}; pid=${pid%%/*}
      is_berthd "$pid" && { echo "$pid"; return 0; }
    done < <(find /proc/[0-9]*/fd -maxdepth 1 -lname "socket:\[$inode\]" 2>/dev/null)
  fi
  for f in "$exec_root"/*.pid; do
    [[ -f $f ]] || continue
    pid=$(tr -dc '0-9' <"$f")
    [[ -n $pid ]] && is_berthd "$pid" && { echo "$pid"; return 0; }
  done
  return 1
}

# Seconds since the epoch at which process $1 started.
start_time() {
  local ticks btime hz
  ticks=$(sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }')
  btime=$(awk '$1 == "btime" { print $2 }' /proc/stat)
  hz=$(getconf CLK_TCK)
  echo $((btime + ticks / hz))
}

# The script file process $1 runs (node .../berthd.js or /usr/local/bin/berthd).
script_of() {
  local arg
  while IFS= read -r arg; do
    case $arg in
      *berthd|*berthd.js)
        (cd "/proc/$1/cwd" 2>/dev/null && readlink -f "$arg") || readlink -f "$arg"
        return 0 ;;
    esac
  done < <(tr '\0' '\n' <"/proc/$1/cmdline")
}

stop_daemon() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    [[ -d /proc/$pid ]] || return 0
    sleep 0.1
  done
  say "berthd ($pid) did not stop within 15 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.5
}

start_daemon() {
  mkdir -p "$logdir" "$exec_root"
  local args=()
  [[ -n ${BERTH_LOG_LEVEL:-} ]] && args+=(--log-level "$BERTH_LOG_LEVEL")
  printf '\n=== %s setup.sh starting berthd ===\n' "$(date -u +%FT%TZ)" >>"$log"
  # A new session, no terminal and no inherited stdio: the daemon outlives this
  # script and does not hold a CI job's output pipes open.
  setsid -f "$(command -v node)" "$repo/dist/berthd.js" "${args[@]}" >>"$log" 2>&1 </dev/null
  local i
  for ((i = 0; i < 50; i++)); do
    ping_daemon && return 0
    sleep 0.2
  done
  echo "---- last lines of $log ----" >&2
  tail -n 25 "$log" >&2 || true
  die "berthd did not answer on $sock within 10 s"
}

want=$(readlink -f dist/berthd.js)
pid=$(daemon_pid || true)
if [[ -n $pid ]] && ! ping_daemon; then
  # Starting up, or hung: give it a moment before replacing it.
  for ((i = 0; i < 50; i++)); do ping_daemon && break; sleep 0.2; done
  if ! ping_daemon; then
    say "berthd ($pid) does not answer on $sock; restarting it"
    stop_daemon "$pid"
    pid=
  fi
fi
if [[ -n $pid ]]; then
  running=$(script_of "$pid" || true)
  if [[ $running != "$want" ]]; then
    say "berthd ($pid) runs ${running:-another build}; restarting it with $want"
    stop_daemon "$pid"
    start_daemon
  elif (($(stat -c %Y "$want") > $(start_time "$pid"))); then
    say "berthd ($pid) runs an older build; restarting it"
    stop_daemon "$pid"
    start_daemon
  else
    say "berthd running (pid $pid)"
  fi
elif ping_daemon; then
  say "a daemon answers on $sock (pid unknown; not restarting it)"
else
  say "starting berthd (log: $log)"
  start_daemon
fi
pid=$(daemon_pid || true)
[[ -z $pid ]] || say "berthd ready (pid $pid, socket $sock)"

# --- 6. base images ----------------------------------------------------------------
export BERTH_HOST=unix://$sock
debian_flag=--debian
[[ ${BERTH_SETUP_NO_DEBIAN:-} == 1 ]] && debian_flag=
BERTH= "$repo/scripts/base-images/make.sh" $debian_flag  # uses this checkout's dist/berth.js
say "done"
