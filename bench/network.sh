#!/usr/bin/env bash
# Networking: `run --rm` latency on the bridge (default) vs --network none, and a published
# port's throughput (1 GiB through -p on 127.0.0.1) vs a direct connection to the container's
# address; Berth vs a peer Debian dockerd with iptables (its own docker0 on 172.17.0.0/16).
# Both engines are driven by the same docker CLI. Compare ratios within one run.
set -euo pipefail
source "$(dirname "$0")/lib/peers.sh"
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
RUNS=${RUNS:-15}
MB=${MB:-1024}
start_berthd
start_peer_dockerd
seed_images busybox:latest
B="docker -H $BERTH_HOST"
D="docker -H $PEER_HOST"

echo "== run --rm busybox true: bridge vs none"
hyperfine -N -w 2 -r "$RUNS" --export-json /tmp/berth-bench-net-run.json \
  "$D run --rm busybox true" "$D run --rm --network none busybox true" \
  "$B run --rm busybox true" "$B run --rm --network none busybox true" >/dev/null
ratio_table /tmp/berth-bench-net-run.json

sender=$(mktemp /tmp/berth-bench-send-XXXXXX.py)
_bench_cleanup+=("rm -f $sender")
cat >"$sender" <<'PY'
import socket, sys
host, port, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((host, port))
buf = b"\0" * (1 << 20)
for _ in range(mb):
    s.sendall(buf)
s.shutdown(socket.SHUT_WR)
s.recv(1)  # the sink closes once it has read everything
PY

echo "== ${MB} MiB into a container: published port (127.0.0.1) vs the container's address"
for engine in D B; do
  cli=${!engine}
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])')
  $cli run -d --name sink -p "127.0.0.1:$port:5001" busybox sh -c 'while true; do nc -l -p 5001 >/dev/null; done' >/dev/null
  ip=$($cli inspect -f '{{.NetworkSettings.IPAddress}}' sink)
  sleep 0.5
  eval "${engine}_PUB='python3 $sender 127.0.0.1 $port $MB'; ${engine}_DIR='python3 $sender $ip 5001 $MB'"
  # Before the daemons stop (the trap runs its commands in order): a sink left running would outlive them.
  _bench_cleanup=("$cli rm -f sink >/dev/null 2>&1" "${_bench_cleanup[@]}")
done
hyperfine -N -w 1 -r "${TPUT_RUNS:-5}" --export-json /tmp/berth-bench-net-tput.json \
  -n "docker direct" "$D_DIR" -n "docker -p (docker-proxy)" "$D_PUB" -n "berth direct" "$B_DIR" -n "berth -p (DNAT)" "$B_PUB" >/dev/null
ratio_table /tmp/berth-bench-net-tput.json
node -e '
for (const x of require("/tmp/berth-bench-net-tput.json").results) console.log(`${(Number(process.argv[1]) / x.mean).toFixed(0).padStart(6)} MiB/s  ${x.command}`);
' "$MB"
$D rm -f sink >/dev/null
$B rm -f sink >/dev/null
