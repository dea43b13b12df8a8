import { test } from 'node:test';
import assert from 'node:assert/strict';
import { berth, type Daemon } from '../../helpers/berthd.js';
import { builtId, useBuildDaemon, shIn } from './helpers.js';

let d: Daemon;
const ctx = useBuildDaemon((daemon) => (d = daemon));

const sh = (image: string, script: string) => shIn(d, image, script);

const MULTI = `ARG BASE=busybox
FROM \${BASE} AS one
RUN sleep 1 && echo one > /one.txt

FROM busybox AS two
RUN sleep 1 && echo two > /two.txt

FROM busybox AS unused
RUN echo should-not-run > /x

FROM one AS final
COPY --from=two /two.txt /
COPY --from=1 /two.txt /two-by-index.txt
RUN cat /one.txt /two.txt
`;

test('multi-stage: COPY --from a stage (by name and index), FROM a stage, unneeded stages skipped, independent stages in parallel', async () => {
  const dir = await ctx({ Dockerfile: MULTI });
  const started = Date.now();
  const r = await berth(d, ['build', '-t', 'stages:final', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  // Stages one and two each sleep a second; run side by side they take about one.
  assert.ok(Date.now() - started < 6000);
  assert.doesNotMatch(r.stdout, /should-not-run/);
  // Output keeps file order even though stages ran at once; steps are counted over needed stages only.
  const steps = [...r.stdout.matchAll(/^Step (\d+)\/(\d+) : (.*)$/gm)].map((m) => `${m[1]}/${m[2]} ${m[3]}`);
  assert.deepEqual(steps, [
    '1/9 ARG BASE=busybox',
    '2/9 FROM ${BASE} AS one',
    '3/9 RUN sleep 1 && echo one > /one.txt',
    '4/9 FROM busybox AS two',
    '5/9 RUN sleep 1 && echo two > /two.txt',
    '6/9 FROM one AS final',
    '7/9 COPY --from=two /two.txt /',
    '8/9 COPY --from=1 /two.txt /two-by-index.txt',
    '9/9 RUN cat /one.txt /two.txt',
  ]);
  assert.match(r.stdout, /one\ntwo\n/);
  assert.equal(await sh('stages:final', 'cat /one.txt /two.txt /two-by-index.txt'), 'one\ntwo\ntwo\n');
});

test('--target builds the named stage and what it needs, nothing after it', async () => {
  const dir = await ctx({ Dockerfile: MULTI });
  const r = await berth(d, ['build', '--target', 'two', '-t', 'stages:two', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const steps = [...r.stdout.matchAll(/^Step (\d+\/\d+) : (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(steps, ['1/3 ARG BASE=busybox', '2/3 FROM busybox AS two', '3/3 RUN sleep 1 && echo two > /two.txt']);
  assert.equal(await sh('stages:two', 'cat /two.txt; test -e /one.txt || echo no-one'), 'two\nno-one\n');
});

test('COPY --from an image, ONBUILD triggers run in the child build', async () => {
  const parent = await ctx({ Dockerfile: 'FROM busybox\nRUN echo p > /p.txt\nONBUILD RUN echo triggered > /trig.txt\n' });
  const p = await berth(d, ['build', '-t', 'stages:parent', parent]);
  assert.equal(p.code, 0, p.stderr + p.stdout);
  const child = await ctx({ Dockerfile: 'FROM stages:parent\nCOPY --from=stages:parent /p.txt /copied.txt\n' });
  const c = await berth(d, ['build', '-t', 'stages:child', child]);
  assert.equal(c.code, 0, c.stderr + c.stdout);
  assert.match(c.stdout, /Step 1\/2 : FROM stages:parent\n# Executing 1 build trigger\n/);
  assert.equal(await sh('stages:child', 'cat /trig.txt /copied.txt'), 'triggered\np\n');
  // The child does not pass the trigger on.
  const onbuild = await berth(d, ['image', 'inspect', '--format', '{{json .Config.OnBuild}}', 'stages:child']);
  assert.match(onbuild.stdout.trim(), /^(null|\[\])$/);
});

test('--cache-from uses only the given images (and their parents) as cache', async () => {
  const dir = await ctx({ Dockerfile: 'FROM busybox\nRUN echo cached > /c\nENV X=1\n' });
  const a = await berth(d, ['build', '-t', 'stages:cache', dir]);
  assert.equal(a.code, 0, a.stderr);
  const hit = await berth(d, ['build', '--cache-from', 'stages:cache', dir]);
  assert.equal(hit.stdout.match(/Using cache/g)?.length, 2);
  assert.equal(builtId(hit.stdout), builtId(a.stdout));
  const miss = await berth(d, ['build', '--cache-from', 'busybox', dir]);
  assert.doesNotMatch(miss.stdout, /Using cache/);
});
