#!/usr/bin/env bash
# Builder benchmark (issue 4): a 10-step Dockerfile over a generated 50 MB context of
# 5000 x 10 KB files, built by Berth and by the peer dockerd's classic builder
# (DOCKER_BUILDKIT=0), both with --network none, through the same docker CLI.
#   cold:  --no-cache build (every step runs, the context is sent and copied)
#   cached: rebuild of an unchanged context (every step a cache hit)
# Targets: cached rebuild <= 0.5x Docker's, cold build <= 1x Docker's.
# Compare ratios from one run only: the machine is shared and noisy.
source "$(dirname "$0")/lib/peers.sh"
command -v hyperfine >/dev/null || { echo "install hyperfine" >&2; exit 1; }
FILES=${FILES:-5000}
SIZE_KB=${SIZE_KB:-10}
RUNS=${RUNS:-5}

start_berthd
start_peer_dockerd
seed_images busybox:latest

CTX=$(mktemp -d /tmp/berth-bench-ctx-XXXXXX)
_bench_cleanup+=("rm -rf $CTX")
node -e '
const fs = require("fs"), path = require("path"), crypto = require("crypto");
const [dir, files, kb] = [process.argv[1], +process.argv[2], +process.argv[3]];
for (let i = 0; i < files; i++) {
  const sub = path.join(dir, "src", `d${i % 50}`);
  fs.mkdirSync(sub, { recursive: true });
  fs.writeFileSync(path.join(sub, `f${i}.txt`), crypto.randomBytes(kb * 1024));
}' "$CTX" "$FILES" "$SIZE_KB"
cat >"$CTX/Dockerfile" <<'DOCKERFILE'
FROM busybox
ENV APP=/app
WORKDIR /app
COPY . /app
RUN du -s /app > /size
RUN echo built > /built
LABEL bench=1
EXPOSE 8080
ENV MODE=prod
CMD ["sh"]
DOCKERFILE
echo "context: $(du -sh "$CTX/src" | cut -f1) in $FILES files"

b() { echo "env DOCKER_BUILDKIT=0 DOCKER_HOST=$1 docker build -q --network none $2 -t bench:latest $CTX"; }
# Warm both caches once, so the cached runs below are pure hits.
$(b "$BERTH_HOST" "") >/dev/null 2>&1
$(b "$PEER_HOST" "") >/dev/null 2>&1

hyperfine -N -w 1 -r "$RUNS" --export-json /tmp/berth-bench-build-cold.json \
  -n docker-cold "$(b "$PEER_HOST" --no-cache)" -n berth-cold "$(b "$BERTH_HOST" --no-cache)" >/dev/null
hyperfine -N -w 1 -r "$RUNS" --export-json /tmp/berth-bench-build-cached.json \
  -n docker-cached "$(b "$PEER_HOST" "")" -n berth-cached "$(b "$BERTH_HOST" "")" >/dev/null
echo "cold build (--no-cache), ratio to docker:"
ratio_table /tmp/berth-bench-build-cold.json
echo "cache-hit rebuild, ratio to docker:"
ratio_table /tmp/berth-bench-build-cached.json
