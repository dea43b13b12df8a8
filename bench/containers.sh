#!/usr/bin/env bash
# Container lifecycle latency, Berth vs Docker side by side, both driven by the same real docker CLI.
# Each row is hyperfine's median; the ratio is Berth/Docker measured in the same run (the machine is
# shared and noisy: compare ratios, never absolute times across runs). Rows use --network none except
# the bridge row (Berth's own bridge; the peer dockerd runs with --iptables=false on docker0).
#
# Figures, median of 15-20 runs each (2026-11-25, 2 CPUs, 6.18.44-fc-v669), shared Debian 12 VM, load 4-9:
#                            before (e996870)       after, run 1        after, run 2
#   run --rm true             1.26x (345/273 ms)     0.43x (154/356)     0.74x (168/228)
#   run --rm true (bridge)    1.58x (404/256)*       0.54x (219/405)     0.73x (302/416)
#   create+start+wait+rm      0.62x                  0.54x               0.62x
#   run -d + rm -f            0.57x                  0.55x               0.46x
#   exec true                 1.29x (76/59 ms)       1.30x (89/69)       1.10x (58/53)
#   ps -a (50 containers)     0.81x                  1.23x               0.86x
# (* from bench/network.sh at e996870.) Before, an attached run waited up to 200 ms for the log
# follower's poll after the exit, and auto-remove waited for that attach to let go. One hyperfine
# run with both builds and Docker (ratios to Docker): run --rm 1.46x -> 0.59x, bridge 1.18x -> 0.66x,
# exec 1.18x -> 1.17x. exec is ~35-45 ms of `runc exec` (the same runc both engines use) plus ~10 ms
# for a conmon per exec (fork + start-up, which is what lets an exec outlive berthd) where Docker's
# shim is already running.
set -euo pipefail
source "$(dirname "$0")/lib/peers.sh"
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
RUNS=${RUNS:-20}
OUT=$(mktemp -d /tmp/berth-bench-ctr-XXXXXX)
_bench_cleanup+=("rm -rf $OUT")

sfx=$(printf '%04x' $((RANDOM)))
# Its own bridge, subnets and chains: never the main berthd's berth0 and BERTH chains.
start_berthd --bridge "bc$sfx" --bip "10.85.$((RANDOM % 250)).1/24" --default-address-pool "base=10.84.$((16 * (RANDOM % 16))).0/20,size=24" \
  --iptables-chain-prefix "BERTH-c$sfx"
_bench_cleanup+=("ip link del bc$sfx 2>/dev/null; node -e 'import(\"$BENCH_REPO/src/network/iptables-firewall.ts\").then(m => m.removeFirewall(\"BERTH-c$sfx\"))' --import tsx 2>/dev/null")
start_peer_dockerd --iptables=false
seed_images busybox:latest
B="docker -H $BERTH_HOST"
D="docker -H $PEER_HOST"

# One scenario: hyperfine over the same command for Docker (first: the base) and Berth.
compare() { # name command-with-@H@-for-the-host [setup-cleanup command]
  local name=$1 cmd=$2
  local dcmd=${cmd//@H@/$PEER_HOST} bcmd=${cmd//@H@/$BERTH_HOST}
  hyperfine -N -w 2 -r "$RUNS" --export-json "$OUT/$name.json" -n docker "$dcmd" -n berth "$bcmd" >/dev/null
  node -e '
const [d, b] = require(process.argv[1]).results;
const f = (x) => `${(x.median * 1000).toFixed(1).padStart(8)} ms`;
console.log(`${process.argv[2].padEnd(28)} docker ${f(d)}   berth ${f(b)}   berth/docker ${(b.median / d.median).toFixed(2)}x`);
' "$OUT/$name.json" "$name"
}

echo "median of $RUNS runs each ($(date -u +%F), $(nproc) CPUs, $(uname -r))"
compare 'run --rm true' "docker -H @H@ run --rm --network none busybox true"
compare 'run --rm true (bridge)' "docker -H @H@ run --rm busybox true"
compare 'create+start+wait+rm' "sh -c 'id=\$(docker -H @H@ create --network none busybox true) && docker -H @H@ start \$id >/dev/null && docker -H @H@ wait \$id >/dev/null && docker -H @H@ rm \$id >/dev/null'"
compare 'run -d + rm -f' "sh -c 'docker -H @H@ rm -f \$(docker -H @H@ run -d --network none busybox sleep 60) >/dev/null'"

$B run -d --name bench-exec --network none busybox sleep 3600 >/dev/null
$D run -d --name bench-exec --network none busybox sleep 3600 >/dev/null
compare 'exec true' "docker -H @H@ exec bench-exec true"
$B rm -f bench-exec >/dev/null
$D rm -f bench-exec >/dev/null

for h in "$BERTH_HOST" "$PEER_HOST"; do
  for i in $(seq 1 50); do docker -H "$h" create --network none --name "ps-$i" busybox true >/dev/null; done
done
compare 'ps -a (50 containers)' "docker -H @H@ ps -a"
