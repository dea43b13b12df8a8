import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berth, docker } from '../../helpers/berthd.js';
import { stdoutOf } from '../../helpers/expect.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

const daemon = useBusyboxDaemon();

const ok = stdoutOf;

test('system df: images with shared layers, containers\' writable layers, volumes with data and users; docker and berth agree', async () => {
  const d = daemon();
  // A second image on top of busybox shares its layer; a container writes 100 kB; a volume holds 50 kB.
  await ok(berth(d, ['run', '--name', 'writer', '--network', 'none', '-v', 'dfvol:/data', 'busybox', 'sh', '-c', 'head -c 100000 /dev/zero > /big; head -c 50000 /dev/zero > /data/v']));
  await ok(berth(d, ['commit', 'writer', 'busybox:big']));
  await ok(berth(d, ['run', '-d', '--name', 'idle', '--network', 'none', 'busybox', 'sleep', '600']));

  const du = JSON.parse(await ok(docker(d, ['system', 'df', '--format', 'json']))
    .then((s) => `[${s.trim().split('\n').join(',')}]`)) as Array<Record<string, string>>;
  const byType = Object.fromEntries(du.map((r) => [r.Type, r]));
  assert.equal(byType['Images']!.TotalCount, '2');
  assert.equal(byType['Images']!.Active, '1', 'both containers run busybox');
  assert.equal(byType['Containers']!.TotalCount, '2');
  assert.equal(byType['Containers']!.Active, '1');
  assert.match(byType['Containers']!.Size!, /^10\d(\.\d+)?kB$/);
  assert.match(byType['Containers']!.Reclaimable!, /^10\d(\.\d+)?kB \(\d+%\)$/, 'the exited writer\'s layer is reclaimable');
  // The exited writer still holds its volume, as in Docker: in use, nothing reclaimable.
  assert.deepEqual([byType['Local Volumes']!.TotalCount, byType['Local Volumes']!.Active], ['1', '1']);
  assert.equal(byType['Local Volumes']!.Size, '50kB');

  const verbose = await ok(docker(d, ['system', 'df', '-v']));
  assert.match(verbose, /busybox\s+big\s+[0-9a-f]{12}\s+.*\s0\n/);
  assert.match(verbose, /dfvol\s+1\s+50kB/);
  // berth prints the same summary table.
  const table = await ok(berth(d, ['system', 'df']));
  assert.match(table, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\n/);
  assert.match(table, /^Local Volumes\s+1\s+1\s+50kB\s+0B \(0%\)$/m);
  const raw = await ok(docker(d, ['system', 'df', '--format', '{{.Type}}']));
  assert.equal(raw, 'Images\nContainers\nLocal Volumes\nBuild Cache\n');
  await ok(berth(d, ['rm', '-f', 'writer', 'idle']));
});

test('system prune -f removes stopped containers, unused networks and dangling images; --volumes and -a reach further', async () => {
  const d = daemon();
  const stopped = (await ok(berth(d, ['run', '-d', '--network', 'none', '-v', '/anon', 'busybox', 'true']))).trim();
  await ok(berth(d, ['wait', stopped]));
  const running = (await ok(berth(d, ['run', '-d', '--network', 'none', 'busybox', 'sleep', '600']))).trim();
  await ok(berth(d, ['network', 'create', 'unusednet']));
  await ok(berth(d, ['commit', running, 'extra:1']));

  const volumesBefore = await ok(berth(d, ['volume', 'ls', '-q']));
  const out = await ok(berth(d, ['system', 'prune', '-f']));
  assert.match(out, new RegExp(`Deleted Containers:\\n${stopped}\\n`));
  assert.match(out, /Deleted Networks:\nunusednet\n/);
  assert.match(out, /Total reclaimed space: /);
  assert.equal((await ok(berth(d, ['ps', '-aq', '--no-trunc']))).trim(), running);
  assert.equal(await ok(berth(d, ['volume', 'ls', '-q'])), volumesBefore, 'volumes stay without --volumes');

  const all = await ok(berth(d, ['system', 'prune', '-f', '-a', '--volumes']));
  assert.match(all, /Deleted Volumes:\n[0-9a-f]{64}\n/);
  assert.match(all, /untagged: extra:1\n/);
  assert.match(await ok(berth(d, ['images', '--format', '{{.Repository}}'])), /^busybox\n$/, 'the image a container uses stays');
  await ok(berth(d, ['rm', '-f', running]));
});
