import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, docker, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

const daemon = useBusyboxDaemon();

interface HealthView {
  Status: string;
  FailingStreak: number;
  Log: Array<{ ExitCode: number; Output: string }>;
}

async function health(d: Daemon, name: string): Promise<HealthView | null> {
  const r = await docker(d, ['inspect', '-f', '{{json .State.Health}}', name]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as HealthView | null;
}

async function waitFor(d: Daemon, name: string, status: string, ms = 15_000): Promise<HealthView> {
  const until = Date.now() + ms;
  for (;;) {
    const h = await health(d, name);
    if (h?.Status === status) return h;
    if (Date.now() > until) throw new Error(`${name} never became ${status}: ${JSON.stringify(h)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('--health-cmd: starting, unhealthy after --health-retries failures, healthy once the check passes; ps, filters and events show it', async () => {
  const d = daemon();
  const since = Math.floor(Date.now() / 1000);
  const run = await docker(d, ['run', '-d', '--name', 'h1', '--network', 'none', '--health-cmd', 'test -f /tmp/ok && echo fine',
    '--health-interval', '500ms', '--health-retries', '2', 'busybox', 'sh', '-c', 'sleep 600']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((await health(d, 'h1'))?.Status, 'starting');
  assert.match((await docker(d, ['ps', '--format', '{{.Status}}', '-f', 'name=h1'])).stdout, /^Up .* \(health: starting\)\n$/);

  const sick = await waitFor(d, 'h1', 'unhealthy');
  assert.ok(sick.FailingStreak >= 2);
  assert.equal(sick.Log.at(-1)?.ExitCode, 1);
  assert.match((await berth(d, ['ps', '--format', '{{.Status}}', '-f', 'health=unhealthy'])).stdout, /\(unhealthy\)\n$/);

  assert.equal((await docker(d, ['exec', 'h1', 'touch', '/tmp/ok'])).code, 0);
  const well = await waitFor(d, 'h1', 'healthy');
  assert.deepEqual([well.FailingStreak, well.Log.at(-1)?.ExitCode, well.Log.at(-1)?.Output], [0, 0, 'fine\n']);
  assert.ok(well.Log.length <= 5, 'the log keeps the last five probes');
  assert.equal((await docker(d, ['ps', '-q', '-f', 'health=healthy'])).stdout.trim().length, 12);
  assert.equal((await docker(d, ['ps', '-q', '-f', 'health=starting'])).stdout, '');

  const events = await docker(d, ['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '-f', 'container=h1', '--format', '{{.Action}}']);
  const health_ = events.stdout.split('\n').filter((a) => a.startsWith('health_status'));
  assert.deepEqual(health_, ['health_status: unhealthy', 'health_status: healthy']);
  await docker(d, ['rm', '-f', 'h1']);
});

test('the image\'s HEALTHCHECK runs unless --no-healthcheck; a check that outlives --health-timeout fails with Docker\'s text', async () => {
  const d = daemon();
  const dir = await mkdtemp(join(tmpdir(), 'berth-hc-'));
  try {
    await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\nHEALTHCHECK --interval=500ms CMD ["true"]\n');
    assert.equal((await berth(d, ['build', '-q', '-t', 'hc:img', dir])).code, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal((await berth(d, ['run', '-d', '--name', 'h2', '--network', 'none', 'hc:img', 'sleep', '600'])).code, 0);
  await waitFor(d, 'h2', 'healthy');
  assert.equal((await berth(d, ['run', '-d', '--name', 'h3', '--network', 'none', '--no-healthcheck', 'hc:img', 'sleep', '600'])).code, 0);
  assert.equal(await health(d, 'h3'), null);
  assert.deepEqual(JSON.parse((await docker(d, ['inspect', '-f', '{{json .Config.Healthcheck.Test}}', 'h3'])).stdout), ['NONE']);

  assert.equal((await berth(d, ['run', '-d', '--name', 'h4', '--network', 'none', '--health-cmd', 'sleep 5', '--health-timeout', '500ms',
    '--health-interval', '500ms', '--health-retries', '1', 'busybox', 'sleep', '600'])).code, 0);
  const slow = await waitFor(d, 'h4', 'unhealthy');
  assert.deepEqual(slow.Log.at(-1), { ...slow.Log.at(-1), ExitCode: -1, Output: 'Health check exceeded timeout (500ms)' });
  const bad = await berth(d, ['run', '--no-healthcheck', '--health-cmd', 'true', 'busybox', 'true']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--no-healthcheck conflicts with --health-\* options/);
  await berth(d, ['rm', '-f', 'h2', 'h3', 'h4']);
});
