// Times Berth's applyLayer against `tar -x` (the floor) on the same gzip layer, alternating
// runs into fresh directories on the same file system, and prints MB/s and the ratio. The layer
// is read in 1 MiB chunks, as the content store reads blobs.
//   node --import tsx bench/unpack-layer.ts LAYER.tar.gz WORKDIR RUNS
import { spawnSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { applyLayer } from '../src/archive/index.js';

const [layer, work, runsArg] = process.argv.slice(2);
if (!layer || !work) throw new Error('usage: unpack-layer.ts LAYER.tar.gz WORKDIR [RUNS]');
const runs = Number(runsArg ?? 5);
const mb = Number(process.env.LAYER_MB ?? statSync(layer).size / 1e6);
const times = { berth: [] as number[], tar: [] as number[] };

async function once(kind: 'berth' | 'tar', i: number): Promise<void> {
  const dir = join(work, `${kind}-${i}`);
  await mkdir(dir, { recursive: true });
  // Start each run with the layer's dirty pages written back, so runs do not pay for each other.
  spawnSync('sync', ['-f', work]);
  const t0 = performance.now();
  if (kind === 'berth') await applyLayer(createReadStream(layer, { highWaterMark: 1 << 20 }), dir, { whiteouts: 'overlay', exclusive: true });
  else {
    const r = spawnSync('tar', ['-xzf', layer, '-C', dir, '--numeric-owner', '--xattrs', '--xattrs-include=*']);
    if (r.status !== 0) throw new Error(`tar failed: ${r.stderr.toString()}`);
  }
  times[kind].push((performance.now() - t0) / 1000);
  await rm(dir, { recursive: true, force: true });
}

for (let i = 0; i < runs; i++) {
  await once('berth', i);
  await once('tar', i);
}
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
for (const kind of ['berth', 'tar'] as const) {
  const t = times[kind];
  console.log(
    `${kind.padEnd(6)} ${(mean(t) * 1000).toFixed(0).padStart(6)} ms mean  ${(mb / mean(t)).toFixed(0).padStart(5)} MB/s  ${(mean(t) / mean(times.tar)).toFixed(2)}x tar  runs ${t.map((x) => x.toFixed(3)).join(' ')}`,
  );
}
