// Volumes across a berthd crash: references survive (a volume in use stays unremovable), running
// containers keep their tmpfs volume mounted, and a volume whose container exited while berthd was
// down is unmounted at start-up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, busyboxTar, destroyDaemon, docker, exists, startDaemon, type Daemon } from '../../helpers/berthd.js';

let d: Daemon;
before(async () => {
  d = await startDaemon();
  const r = await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  if (!d) return;
  if (d.proc.exitCode === null && d.proc.signalCode === null) {
    const ids = (await docker(d, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await docker(d, ['rm', '-f', ...ids]);
  }
  await destroyDaemon(d);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function isMounted(path: string): Promise<boolean> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((l) => l.split(' ')[4] === path);
}

async function crashAndRestart(downMs = 0): Promise<void> {
  await d.stop('SIGKILL');
  await sleep(downMs);
  d = await startDaemon([], { root: d.root });
}

test('after a crash, containers keep their mounts and volumes in use stay in use', async () => {
  for (const v of ['keep-tmp', 'gone-tmp']) {
    assert.equal((await docker(d, ['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=4m', v])).code, 0);
  }
  const keep = await docker(d, ['run', '-d', '--name', 'keeper', '-v', 'keep-tmp:/t', '-v', 'named-r:/n', 'busybox', 'sh', '-c', 'echo before > /t/f; sleep 60']);
  assert.equal(keep.code, 0, keep.stderr);
  const gone = await docker(d, ['run', '-d', '--name', 'leaver', '-v', 'gone-tmp:/t', 'busybox', 'sleep', '1.5']);
  assert.equal(gone.code, 0, gone.stderr);
  const keepData = join(d.dataRoot, 'volumes/keep-tmp/_data');
  const goneData = join(d.dataRoot, 'volumes/gone-tmp/_data');
  for (let i = 0; i < 50 && !(await exists(join(keepData, 'f'))); i++) await sleep(100);
  assert.ok(await isMounted(goneData));

  // leaver exits while no berthd runs.
  await crashAndRestart(2500);

  assert.ok(await isMounted(keepData), 'the running container\'s tmpfs volume stays mounted');
  assert.equal(await readFile(join(keepData, 'f'), 'utf8'), 'before\n', 'with its data');
  assert.equal(await isMounted(goneData), false, 'the exited container\'s volume was unmounted at start-up');
  const state = (await docker(d, ['inspect', '-f', '{{.State.Status}}', 'leaver'])).stdout.trim();
  assert.equal(state, 'exited');

  const rm = await docker(d, ['volume', 'rm', 'named-r']);
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, /volume is in use/);
  const ms = JSON.parse((await docker(d, ['inspect', '-f', '{{json .Mounts}}', 'keeper'])).stdout) as Array<{ Name: string }>;
  assert.deepEqual(ms.map((m) => m.Name).sort(), ['keep-tmp', 'named-r']);

  // A second container sees the same tmpfs (no fresh mount hid it), and a restart of the first remounts cleanly.
  const peek = await docker(d, ['run', '--rm', '-v', 'keep-tmp:/t', 'busybox', 'cat', '/t/f']);
  assert.equal(peek.stdout, 'before\n', peek.stderr);
  assert.equal((await docker(d, ['rm', '-f', 'keeper', 'leaver'])).code, 0);
  assert.equal(await isMounted(keepData), false);
  const again = await docker(d, ['run', '--rm', '-v', 'gone-tmp:/t', 'busybox', 'sh', '-c', 'echo x > /t/y && cat /t/y']);
  assert.equal(again.stdout, 'x\n', again.stderr);
  assert.equal(await isMounted(goneData), false);
});
