#!/usr/bin/env bash
# skopeo copy of a ~200 MB multi-layer OCI image (random content, gzipped layers) into
# Berth's registry (`berth registry serve`) and into Debian's docker-registry
# (distribution 2.8, filesystem storage), then back out to an OCI layout.
# Each run gets fresh, empty registries (new roots, new ports) so every blob is
# really transferred. Output: mean seconds and MB/s per registry and direction,
# and Berth's time as a ratio to docker-registry's (compare ratios: the machine is noisy).
#   RUNS=3 LAYERS_MB="80 60 30 20 10" bench/registry-server.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/peers.sh"
RUNS=${RUNS:-3}
LAYERS_MB=${LAYERS_MB:-80 60 30 20 10}
for c in skopeo docker-registry; do command -v $c >/dev/null || { echo "$c missing (scripts/setup.sh installs it)" >&2; exit 1; }; done
[[ -f $BENCH_REPO/dist/berth.js ]] || { echo "run npm run build first" >&2; exit 1; }

WORK=$(mktemp -d /tmp/berth-regbench-XXXXXX)
_bench_cleanup+=("rm -rf $WORK")

# --- the image: one random file per layer, gzipped tar layers, OCI layout ---
make_layout() {
  local dir=$1 i=0 mb diff digest size layers="" diffs="" total=0
  mkdir -p "$dir/blobs/sha256"
  for mb in $LAYERS_MB; do
    i=$((i + 1))
    mkdir -p "$WORK/l$i"
    head -c "${mb}M" /dev/urandom >"$WORK/l$i/data-$i"
    tar -C "$WORK/l$i" --numeric-owner -cf "$WORK/layer.tar" .
    rm -rf "$WORK/l$i"
    diff=$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)
    # Compressed as images are, so skopeo sends the blobs as they are instead of gzipping them itself.
    gzip -1 -n "$WORK/layer.tar" && mv "$WORK/layer.tar.gz" "$WORK/layer.tar"
    digest=$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)
    size=$(stat -c %s "$WORK/layer.tar")
    total=$((total + size))
    mv "$WORK/layer.tar" "$dir/blobs/sha256/$digest"
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$digest\",\"size\":$size}"
    diffs+="${diffs:+,}\"sha256:$diff\""
  done
  printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$WORK/config.json"
  local cd cs md ms
  cd=$(sha256sum "$WORK/config.json" | cut -d' ' -f1); cs=$(stat -c %s "$WORK/config.json")
  mv "$WORK/config.json" "$dir/blobs/sha256/$cd"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$cd" "$cs" "$layers" >"$WORK/manifest.json"
  md=$(sha256sum "$WORK/manifest.json" | cut -d' ' -f1); ms=$(stat -c %s "$WORK/manifest.json")
  mv "$WORK/manifest.json" "$dir/blobs/sha256/$md"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"bench"}}]}' "$md" "$ms" >"$dir/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  IMAGE_BYTES=$total
  MANIFEST_DIGEST=sha256:$md
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

wait_v2() { # url pid log
  for _ in $(seq 1 100); do
    curl -sf "$1/v2/" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "registry did not come up:" >&2; tail -5 "$3" >&2; return 1
}

# start_<kind> DIR -> REG_ADDR, REG_PID
start_berth() {
  local port; port=$(free_port)
  node "$BENCH_REPO/dist/berth.js" registry serve --addr "127.0.0.1:$port" --root "$1/root" >"$1/log" 2>&1 &
  REG_PID=$!; REG_ADDR=127.0.0.1:$port
  _bench_cleanup+=("kill $REG_PID 2>/dev/null") # also when a copy fails half way
  wait_v2 "http://$REG_ADDR" "$REG_PID" "$1/log"
}
start_distribution() {
  local port; port=$(free_port)
  cat >"$1/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $1/root}, delete: {enabled: true}}
http: {addr: "127.0.0.1:$port"}
YML
  docker-registry serve "$1/config.yml" >"$1/log" 2>&1 &
  REG_PID=$!; REG_ADDR=127.0.0.1:$port
  _bench_cleanup+=("kill $REG_PID 2>/dev/null") # also when a copy fails half way
  wait_v2 "http://$REG_ADDR" "$REG_PID" "$1/log"
}

now() { date +%s.%N; }

echo "making the image ($LAYERS_MB MB layers)..." >&2
make_layout "$WORK/layout"
MB=$(node -e "console.log((${IMAGE_BYTES}/1048576).toFixed(1))")
echo "image: $MB MiB in $(wc -w <<<"$LAYERS_MB") layers, manifest $MANIFEST_DIGEST; $RUNS runs" >&2

declare -A PUSH PULL
for kind in distribution berth; do PUSH[$kind]=0; PULL[$kind]=0; done
for run in $(seq 1 "$RUNS"); do
  for kind in distribution berth; do
    dir="$WORK/$kind-$run"; mkdir -p "$dir"
    "start_$kind" "$dir"
    ref="docker://$REG_ADDR/bench/run$run:bench"
    t0=$(now)
    skopeo copy -q --dest-tls-verify=false "oci:$WORK/layout:bench" "$ref" >/dev/null
    t1=$(now)
    skopeo copy -q --src-tls-verify=false "$ref" "oci:$dir/out:bench" >/dev/null
    t2=$(now)
    got=$(node -e 'console.log(require(process.argv[1]).manifests[0].digest)' "$dir/out/index.json")
    [[ $got == "$MANIFEST_DIGEST" ]] || { echo "$kind: pulled manifest $got, pushed $MANIFEST_DIGEST" >&2; exit 1; }
    PUSH[$kind]=$(node -e "console.log(${PUSH[$kind]} + $t1 - $t0)")
    PULL[$kind]=$(node -e "console.log(${PULL[$kind]} + $t2 - $t1)")
    kill "$REG_PID"; wait "$REG_PID" 2>/dev/null || true
    rm -rf "$dir"
  done
done

node -e '
const [runs, mb, dp, dl, bp, bl] = process.argv.slice(1).map(Number);
const row = (name, s, base) => `${name.padEnd(34)} ${(s / runs).toFixed(2).padStart(7)} s  ${(mb / (s / runs)).toFixed(0).padStart(5)} MB/s  ${(s / base).toFixed(2)}x`;
console.log(row("push: docker-registry (dist 2.8)", dp, dp));
console.log(row("push: berth registry serve", bp, dp));
console.log(row("pull: docker-registry (dist 2.8)", dl, dl));
console.log(row("pull: berth registry serve", bl, dl));
' "$RUNS" "$MB" "${PUSH[distribution]}" "${PULL[distribution]}" "${PUSH[berth]}" "${PULL[berth]}"
