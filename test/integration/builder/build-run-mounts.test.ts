import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berth, type Daemon } from '../../helpers/berthd.js';
import { useBuildDaemon, writeContext, shIn } from './helpers.js';

let d: Daemon;
const ctx = useBuildDaemon((daemon) => (d = daemon));

const sh = (image: string, script: string) => shIn(d, image, script);

test('RUN --mount=type=cache keeps its files across builds and out of the image', async () => {
  const dir = await ctx({
    Dockerfile: "FROM busybox\nRUN --mount=type=cache,target=/var/cache/thing sh -c 'echo run >> /var/cache/thing/log; wc -l < /var/cache/thing/log > /count'\n",
  });
  for (const expected of ['1', '2']) {
    const r = await berth(d, ['build', '--no-cache', '-t', 'mounts:cache', dir]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal((await sh('mounts:cache', 'cat /count')).trim(), expected, 'the second build sees the first one\'s cache');
  }
  // Neither the cache's files nor the directories runc made for its target are in the layer.
  assert.equal(await sh('mounts:cache', 'test -e /var/cache/thing && echo present || echo absent'), 'absent\n');
  const history = await berth(d, ['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'mounts:cache']);
  assert.match(history.stdout.split('\n')[0]!, /^--mount=type=cache,id=\/var\/cache\/thing,target=\/var\/cache\/thing,sharing=shared \/bin\/sh -c /);

  // builder prune -a empties the caches: the next build starts over.
  const prune = await berth(d, ['builder', 'prune', '-a', '-f']);
  assert.equal(prune.code, 0, prune.stderr);
  assert.match(prune.stdout, /Total reclaimed space: 8B\n/);
  assert.equal((await berth(d, ['build', '--no-cache', '-t', 'mounts:cache', dir])).code, 0);
  assert.equal((await sh('mounts:cache', 'cat /count')).trim(), '1');
});

test('RUN --mount=type=bind from the context: read-only by default, its content keys the cache', async () => {
  const dir = await ctx({
    Dockerfile: "FROM busybox\nWORKDIR /w\nRUN --mount=type=bind,source=src,target=in sh -c 'cat in/a.txt > /copied; (touch in/x 2>/dev/null && echo writable || echo read-only) > /mode'\n",
    'src/a.txt': 'first\n',
    'other.txt': 'unrelated\n',
  });
  const b = () => berth(d, ['build', '-t', 'mounts:bind', dir]);
  const r0 = await b();
  assert.equal(r0.code, 0, r0.stderr + r0.stdout);
  assert.equal(await sh('mounts:bind', 'cat /copied /mode; test -e /w/in && echo in-present || echo in-absent'), 'first\nread-only\nin-absent\n');

  await writeContext(dir, { 'other.txt': 'changed, but not mounted\n' });
  const r1 = await b();
  assert.match(r1.stdout, /Step 3\/3 : RUN --mount[^\n]*\n ---> Using cache\n/);

  await writeContext(dir, { 'src/a.txt': 'second\n' });
  const r2 = await b();
  assert.equal(r2.code, 0, r2.stderr + r2.stdout);
  assert.match(r2.stdout, / ---> Cache miss: [^\n]*: file src\/a\.txt changed\n/);
  assert.equal(await sh('mounts:bind', 'cat /copied'), 'second\n');
});

test('RUN --mount=type=bind from a stage, read-write (writes stay in the step), beside a tmpfs', async () => {
  const dir = await ctx({
    Dockerfile: [
      'FROM busybox AS build',
      'RUN mkdir /out && echo built > /out/artifact',
      'FROM busybox',
      "RUN --mount=type=bind,from=build,source=/out,target=/in,rw --mount=type=tmpfs,target=/scratch sh -c 'echo more > /in/more && cp /in/artifact /in/more / && grep -q \" /scratch tmpfs \" /proc/mounts && echo yes > /was-tmpfs'",
      'RUN --mount=type=bind,from=build,source=/out,target=/again ls /again > /listing',
      '',
    ].join('\n'),
  });
  const r = await berth(d, ['build', '-t', 'mounts:stage', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(await sh('mounts:stage', 'cat /artifact /more /was-tmpfs /listing'), 'built\nmore\nyes\nartifact\n', 'the second RUN sees the stage unchanged');
  assert.equal(await sh('mounts:stage', 'ls -d /in /scratch /again 2>/dev/null | wc -l'), '0\n');
});

test('RUN --mount of a secret or an SSH agent is refused before any step runs, naming the line', async () => {
  const dir = await ctx({ Dockerfile: 'FROM busybox\nRUN echo first\nRUN --mount=type=secret,id=npmrc cat /run/secrets/npmrc\n' });
  const r = await berth(d, ['build', dir]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr + r.stdout, /Dockerfile:3: RUN --mount=type=secret needs BuildKit's session/);
  assert.doesNotMatch(r.stdout, /Running in|first/);
});
