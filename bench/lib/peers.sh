# Shared benchmark harness: sourced by bench/*.sh.
#   start_berthd          a berthd on its own temp roots  -> BERTH_HOST, BERTH_ROOT
#   start_peer_dockerd    Debian's dockerd on its own roots -> PEER_HOST, PEER_ROOT (extra dockerd flags as args)
#   seed_images IMG...    copies images from the main berthd (/run/berth) into both daemons
#   ratio_table FILE      prints hyperfine JSON results as ms and ratio to the first command
# Both daemons are stopped and their roots removed on exit. The machine is shared and noisy:
# compare the two engines as ratios measured in one run, never absolute times across runs.
set -euo pipefail
BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BERTH="node $BENCH_REPO/dist/berth.js"
_bench_cleanup=()
trap 'for c in "${_bench_cleanup[@]}"; do eval "$c" || true; done' EXIT

_wait_sock() { # sock pid-file-or-pid name log
  for _ in $(seq 1 150); do
    curl -sf --unix-socket "$1" http://x/_ping >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.2
  done
  echo "$3 did not come up; last log lines:" >&2; tail -5 "$4" >&2; return 1
}

start_berthd() {
  BERTH_ROOT=$(mktemp -d /tmp/berth-bench-XXXXXX)
  # A bench daemon of its own unless the caller names a bridge: bridge, subnets and iptables chains
  # never shared with the main berthd's berth0 or another bench.
  local net=()
  if [[ " $* " != *" --bridge "* ]]; then
    local sfx; sfx=$(printf '%04x' $((RANDOM)))
    net=(--bridge "bb$sfx" --bip "10.87.$((RANDOM % 250)).1/24" --default-address-pool "base=10.86.$((16 * (RANDOM % 16))).0/20,size=24"
      --iptables-chain-prefix "BERTH-b$sfx")
    _bench_cleanup+=("ip link del bb$sfx 2>/dev/null; (cd $BENCH_REPO && node --import tsx -e 'import(\"./src/network/iptables-firewall.ts\").then(m => m.removeFirewall(\"BERTH-b$sfx\"))') 2>/dev/null")
  fi
  node "$BENCH_REPO/dist/berthd.js" --data-root "$BERTH_ROOT/data" --exec-root "$BERTH_ROOT/exec" "${net[@]}" "$@" \
    >"$BERTH_ROOT/berthd.log" 2>&1 &
  local pid=$!
  # Cleanups run in order: the daemon first, then its network (pushed above, so reverse them here).
  _bench_cleanup=("kill $pid; wait $pid 2>/dev/null; umount -R $BERTH_ROOT/data 2>/dev/null; grep -o \" $BERTH_ROOT[^ ]*\" /proc/mounts | sort -r | xargs -r -n1 umount -l; rm -rf $BERTH_ROOT" "${_bench_cleanup[@]}")
  BERTH_HOST="unix://$BERTH_ROOT/exec/berth.sock"
  _wait_sock "$BERTH_ROOT/exec/berth.sock" "$pid" berthd "$BERTH_ROOT/berthd.log"
}

start_peer_dockerd() {
  command -v dockerd >/dev/null || { echo "dockerd missing (apt-get install docker.io)" >&2; return 1; }
  PEER_ROOT=$(mktemp -d /tmp/berth-peer-XXXXXX)
  local ns="berth-bench-${PEER_ROOT: -6}"
  # Own roots, socket and containerd namespace; never --bridge=none (it deletes a bridge another daemon may use).
  dockerd --data-root "$PEER_ROOT/data" --exec-root "$PEER_ROOT/exec" -H "unix://$PEER_ROOT/docker.sock" \
    --pidfile "$PEER_ROOT/docker.pid" --containerd-namespace "$ns" --containerd-plugins-namespace "$ns-plugins" \
    "$@" >"$PEER_ROOT/dockerd.log" 2>&1 &
  local pid=$!
  _bench_cleanup+=("kill $pid; wait $pid 2>/dev/null; grep -o \" $PEER_ROOT[^ ]*\" /proc/mounts | sort -r | xargs -r -n1 umount -l; rm -rf $PEER_ROOT")
  PEER_HOST="unix://$PEER_ROOT/docker.sock"
  _wait_sock "$PEER_ROOT/docker.sock" "$pid" dockerd "$PEER_ROOT/dockerd.log"
}

seed_images() {
  local img
  for img in "$@"; do
    if [[ -n ${BERTH_HOST:-} ]]; then $BERTH save "$img" | $BERTH -H "$BERTH_HOST" load -q >/dev/null; fi
    if [[ -n ${PEER_HOST:-} ]]; then $BERTH save "$img" | docker -H "$PEER_HOST" load -q >/dev/null; fi
  done
}

ratio_table() {
  node -e '
const r = require(process.argv[1]).results;
const base = r[0].mean;
for (const x of r) console.log(`${(x.mean * 1000).toFixed(1).padStart(9)} ms ±${(x.stddev * 1000).toFixed(1).padStart(6)}  ${(x.mean / base).toFixed(2)}x  ${x.command}`);
' "$1"
}
