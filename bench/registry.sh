#!/usr/bin/env bash
# Push and pull of a ~200 MB multi-layer image (4 x 50 MB random layers, made locally)
# over loopback against one Debian docker-registry, Berth vs a peer dockerd, as ratios
# measured in one run (bench/lib/peers.sh). Target (issue 6): Berth's pull >= Docker's.
# Figures (2 vCPUs, load 4-5 from other work; Docker time / Berth time, three runs of RUNS=5):
#   pull 0.83x, 1.24x, 1.05x (Berth 136-189 MB/s mean; it was 0.41x under load before the unpack
#   work: 1 MiB chunks, streamed first layer, fewer round trips per entry); push 1.58x, 1.93x, 1.71x.
#   LAYERS=4 MB=50 RUNS=5 bench/registry.sh
# Later runs (merged main, Berth time / Docker time): RUNS=5 with the berth CLI: pull 1.06x (156 vs
#   165 MB/s mean, within the noise); RUNS=7 adding the docker CLI against berthd (engine against
#   engine): pull 0.81x via docker CLI (171 vs 138 MB/s), 0.72x via berth CLI; push 0.49x.
set -euo pipefail
source "$(dirname "$0")/lib/peers.sh"
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
command -v docker-registry >/dev/null || { echo "install docker-registry (apt-get install docker-registry)" >&2; exit 1; }
LAYERS=${LAYERS:-4} MB=${MB:-50} RUNS=${RUNS:-5}

REG_ROOT=$(mktemp -d /tmp/berth-bench-reg-XXXXXX)
PORT=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
cat >"$REG_ROOT/config.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $REG_ROOT/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$PORT}
YML
docker-registry serve "$REG_ROOT/config.yml" >"$REG_ROOT/log" 2>&1 &
reg_pid=$!
_bench_cleanup+=("kill $reg_pid; wait $reg_pid 2>/dev/null; rm -rf $REG_ROOT")
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/v2/" >/dev/null && break; sleep 0.1; done
R=127.0.0.1:$PORT

# Its own bridge, subnets and chains: never the machine's berth0 (another berthd's).
n=$((RANDOM % 200 + 20)) m=$((RANDOM % 250))
start_berthd --bridge "bbr$n$m" --bip "10.$n.$m.1/24" --default-address-pool "base=10.$((n + 1)).$((m / 16 * 16)).0/20,size=24" --iptables-chain-prefix "BERTH-BR$n$m"
_bench_cleanup+=("(cd $BENCH_REPO && node --import tsx --input-type=module -e \"await (await import('./src/network/iptables-firewall.ts')).removeFirewall('BERTH-BR$n$m')\"); ip link del bbr$n$m 2>/dev/null")
start_peer_dockerd --iptables=false
B="$BERTH -H $BERTH_HOST"
D="docker -H $PEER_HOST"

echo "making a ${LAYERS}x${MB} MB random image..." >&2
node "$BENCH_REPO/bench/make-random-image.mjs" bench:big "$LAYERS" "$MB" >"$REG_ROOT/image.tar"
$B load -i "$REG_ROOT/image.tar" >/dev/null
$D load -i "$REG_ROOT/image.tar" >/dev/null
rm -f "$REG_ROOT/image.tar"
$B tag bench:big "$R/berth/big:1"
$D tag bench:big "$R/docker/big:1"
$B tag bench:big "$R/berth/seed:1"

# Push: each engine pushes into a repository of its own; the registry's blobs are deleted
# between runs (a fresh repository name per run) so every run uploads everything.
echo "== push (${LAYERS}x${MB} MB, uncompressed layers: gzip + upload) ==" >&2
hyperfine -N -r "$RUNS" --export-json "$REG_ROOT/push.json" \
  --prepare "sh -c 'rm -rf $REG_ROOT/data/docker/registry/v2/repositories/berth $REG_ROOT/data/docker/registry/v2/repositories/docker $REG_ROOT/data/docker/registry/v2/blobs'" \
  "$B push -q $R/berth/big:1" "$D push -q $R/docker/big:1" >&2
ratio_table "$REG_ROOT/push.json"

# Pull: both pull the same manifest (pushed once by Berth); the local image is removed before each run.
$B push -q "$R/berth/seed:1" >/dev/null
echo "== pull (${LAYERS}x${MB} MB: download + verify + gunzip + unpack) ==" >&2
hyperfine -N -r "$RUNS" --export-json "$REG_ROOT/pull.json" \
  --prepare "sh -c '$B rmi -f $R/berth/seed:1 bench:big $R/berth/big:1 >/dev/null 2>&1; $D rmi -f $R/berth/seed:1 bench:big $R/docker/big:1 >/dev/null 2>&1; true'" \
  "$D pull -q $R/berth/seed:1" "docker -H $BERTH_HOST pull -q $R/berth/seed:1" "$B pull -q $R/berth/seed:1" >&2
# Rows: Docker, then Berth through the same docker CLI (engine against engine), then the berth CLI.
ratio_table "$REG_ROOT/pull.json"
node -e '
const r = require(process.argv[1]).results; const mb = Number(process.argv[2]);
for (const x of r) console.log(`${(mb / x.mean).toFixed(0).padStart(6)} MB/s mean, ${(mb / x.min).toFixed(0).padStart(6)} MB/s best; runs ${x.times.map((t) => t.toFixed(2)).join(" ")} s  ${x.command}`);
' "$REG_ROOT/pull.json" "$((LAYERS * MB))"
