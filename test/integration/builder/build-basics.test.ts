import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, docker, type Daemon } from '../../helpers/berthd.js';
import { builtId, seedBusybox, useBuildDaemon, writeContext } from './helpers.js';

let d: Daemon;
const ctx = useBuildDaemon((daemon) => (d = daemon));

const SEED = `FROM busybox
RUN mkdir -p /www && echo hello > /www/index.html
WORKDIR /www
ENV GREETING=hi PORT=80
EXPOSE 80
CMD ["httpd","-f","-p","80"]
`;

test('the seed Dockerfile builds with Docker\'s classic output, runs and serves its page', async () => {
  const dir = await ctx({ Dockerfile: SEED });
  const r = await berth(d, ['build', '-t', 'web:1', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const id = builtId(r.stdout);
  assert.match(r.stdout, /^Sending build context to Docker daemon {2}\S+B\n/);
  assert.match(r.stdout, /Step 1\/6 : FROM busybox\n ---> [0-9a-f]{12}\nStep 2\/6 : RUN mkdir -p \/www && echo hello > \/www\/index.html\n/);
  assert.match(r.stdout, / ---> Running in ([0-9a-f]{12})\n ---> Removed intermediate container \1\n ---> [0-9a-f]{12}\n/);
  assert.match(r.stdout, /Step 6\/6 : CMD \["httpd","-f","-p","80"\]\n/);
  assert.match(r.stdout, new RegExp(`Successfully built ${id}\nSuccessfully tagged web:1\n$`));

  const insp = await docker(d, ['image', 'inspect', 'web:1', '--format', '{{json .Config}}']);
  const cfg = JSON.parse(insp.stdout) as { Cmd: string[]; Env: string[]; WorkingDir: string; ExposedPorts: Record<string, object> };
  assert.deepEqual(cfg.Cmd, ['httpd', '-f', '-p', '80']);
  assert.ok(cfg.Env.includes('GREETING=hi') && cfg.Env.includes('PORT=80'));
  assert.equal(cfg.WorkingDir, '/www');
  assert.deepEqual(Object.keys(cfg.ExposedPorts), ['80/tcp']);

  // History as the classic builder writes it; metadata steps and WORKDIR of a new dir...
  const h = await docker(d, ['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}', 'web:1']);
  const lines = h.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, 5).map((l) => l.split('|')[0]), [
    '/bin/sh -c #(nop)  CMD ["httpd" "-f" "-p" "80"]',
    '/bin/sh -c #(nop)  EXPOSE 80',
    '/bin/sh -c #(nop)  ENV GREETING=hi PORT=80',
    '/bin/sh -c #(nop) WORKDIR /www',
    '/bin/sh -c mkdir -p /www && echo hello > /www/index.html',
  ]);
  assert.match(lines[0]!, /\|0B$/);
  assert.doesNotMatch(lines[4]!, /\|0B$/);
  // ... and no empty layers: busybox's one layer plus the RUN's.
  const layers = await docker(d, ['image', 'inspect', 'web:1', '--format', '{{len .RootFS.Layers}}']);
  assert.equal(layers.stdout.trim(), '2');

  const run = await berth(d, ['run', '-d', '--network', 'none', '--name', 'web1', 'web:1']);
  assert.equal(run.code, 0, run.stderr);
  try {
    let page = '';
    for (let i = 0; i < 30 && page !== 'hello\n'; i++) {
      page = (await berth(d, ['exec', 'web1', 'wget', '-qO-', 'http://127.0.0.1/index.html'])).stdout;
      if (page !== 'hello\n') await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(page, 'hello\n');
  } finally {
    await berth(d, ['rm', '-f', 'web1']);
  }
});

test('a rebuild is all cache hits and gives the same image; --no-cache runs every step', async () => {
  const dir = await ctx({ Dockerfile: SEED });
  const first = await berth(d, ['build', '-t', 'web:2', dir]);
  const again = await berth(d, ['build', '-t', 'web:2', dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(builtId(again.stdout), builtId(first.stdout));
  assert.equal(again.stdout.match(/ ---> Using cache\n/g)?.length, 5);
  assert.doesNotMatch(again.stdout, /Running in|Cache miss/);
  const nc = await berth(d, ['build', '--no-cache', '-t', 'web:2', dir]);
  assert.equal(nc.code, 0, nc.stderr);
  assert.doesNotMatch(nc.stdout, /Using cache/);
  assert.match(nc.stdout, /Running in/);
  assert.notEqual(builtId(nc.stdout), builtId(first.stdout));
});

test('docker history of a built image shows each step\'s intermediate image ID, down to the base, as the classic builder', async () => {
  const dir = await ctx({ Dockerfile: SEED });
  const r = await berth(d, ['build', '-t', 'web:hist', dir]);
  assert.equal(r.code, 0, r.stderr);
  // ` ---> <id>` after each step: the base, then every step's image.
  const stepIds = [...r.stdout.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1]);
  assert.equal(stepIds.length, 6);
  const h = await docker(d, ['history', '--format', '{{.ID}}', 'web:hist']);
  assert.equal(h.code, 0, h.stderr);
  // busybox is a single imported layer: one row, its own ID, no <missing> at all.
  assert.deepEqual(h.stdout.trim().split('\n'), [...stepIds].reverse());
  const base = await docker(d, ['images', '-q', 'busybox']);
  assert.equal(stepIds[0], base.stdout.trim());
});

test('every cache miss says why: file, build arg, base image, instruction', async () => {
  const dir = await ctx({
    Dockerfile: 'FROM busybox\nARG VERSION=1\nCOPY src /app\nRUN echo v$VERSION > /v\nRUN cat /v\n',
    'src/a.txt': 'a1',
    'src/b.txt': 'b',
  });
  const tag = 'why:latest';
  const b = (...extra: string[]) => berth(d, ['build', '-t', tag, ...extra, dir]);
  const r0 = await b();
  assert.equal(r0.code, 0, r0.stderr);
  assert.match(r0.stdout, / ---> Cache miss: COPY src \/app: no earlier build of this step to compare with\n/);

  await writeContext(dir, { 'src/a.txt': 'a2' });
  const r1 = await b();
  assert.match(r1.stdout, /Step 3\/5 : COPY src \/app\n ---> Cache miss: COPY src \/app: file src\/a\.txt changed\n/);
  assert.match(r1.stdout, / ---> Cache miss: RUN echo v\$VERSION > \/v: an earlier step changed\n/);

  const r2 = await b('--build-arg', 'VERSION=2');
  assert.match(r2.stdout, /Step 3\/5 : COPY src \/app\n ---> Using cache\n/);
  assert.match(r2.stdout, / ---> Cache miss: RUN echo v\$VERSION > \/v: build arg VERSION changed \(was 1, now 2\)\n/);

  await seedBusybox(d, 'busybox:latest', 'a newer base');
  const r3 = await b('--build-arg', 'VERSION=2');
  assert.match(r3.stdout, / ---> Cache miss: ARG VERSION=1: base image busybox:latest changed\n/);

  await writeContext(dir, { Dockerfile: 'FROM busybox\nARG VERSION=1\nCOPY src /app\nRUN echo v$VERSION > /v\nRUN cat /v && true\n' });
  const r4 = await b('--build-arg', 'VERSION=2');
  assert.match(r4.stdout, / ---> Cache miss: RUN cat \/v && true: instruction changed \(was: \|1 VERSION=2 \/bin\/sh -c cat \/v\)\n/);
  // Earlier steps are untouched by the edit: they stay cached.
  assert.match(r4.stdout, /Step 4\/5 : RUN echo v\$VERSION > \/v\n ---> Using cache\n/);
});

test('build args: RUN history carries them, unused ones are reported', async () => {
  const dir = await ctx({ Dockerfile: 'FROM busybox\nARG A\nARG B=dflt\nRUN echo $A $B > /ab\n' });
  const r = await berth(d, ['build', '--build-arg', 'A=x', '--build-arg', 'NOPE=1', '--build-arg', 'HTTP_PROXY=http://p', '-t', 'args', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[Warning\] One or more build-args \[NOPE\] were not consumed\n/);
  const h = await docker(d, ['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'args']);
  assert.equal(h.stdout.split('\n')[0], '|2 A=x B=dflt /bin/sh -c echo $A $B > /ab');
  const out = await berth(d, ['run', '--rm', 'args', 'cat', '/ab']);
  assert.equal(out.stdout, 'x dflt\n');
});

test('a failing RUN reports Docker\'s message and exit code; -q prints only the ID', async () => {
  const dir = await ctx({ Dockerfile: 'FROM busybox\nRUN echo before && exit 3\n' });
  const r = await berth(d, ['build', dir]);
  assert.equal(r.code, 3);
  assert.match(r.stdout, /before\n/);
  assert.match(r.stderr, /The command '\/bin\/sh -c echo before && exit 3' returned a non-zero code: 3/);
  const ok = await ctx({ Dockerfile: 'FROM busybox\nRUN echo quiet\n' });
  const q = await berth(d, ['build', '-q', '--iidfile', join(ok, 'iid'), ok]);
  assert.equal(q.code, 0, q.stderr);
  assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal(await readFile(join(ok, 'iid'), 'utf8'), q.stdout.trim());
});

test('bad Dockerfiles fail before any step runs, naming file and line', async () => {
  const bad = await ctx({ Dockerfile: 'FROM busybox\nRUN echo never\nFOO bar\n' });
  const r = await berth(d, ['build', bad]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Dockerfile:3: unknown instruction: FOO/i);
  assert.doesNotMatch(r.stdout, /Step/);
  const flag = await ctx({ 'build/Dev.dockerfile': 'FROM busybox\nCOPY --nope=1 a b\n' });
  const f = await berth(d, ['build', '-f', join(flag, 'build/Dev.dockerfile'), flag]);
  assert.match(f.stderr, /build\/Dev\.dockerfile:2: unknown flag: nope/);
  const target = await ctx({ Dockerfile: 'FROM busybox AS a\n' });
  const t = await berth(d, ['build', '--target', 'zzz', target]);
  assert.match(t.stderr, /failed to reach build target zzz in Dockerfile/);
  // A FROM image that no registry has: build-pull.test.ts (against a registry of its own).
});

test('metadata instructions land in the image config, --label too, with Docker\'s history comments', async () => {
  const dir = await ctx({
    Dockerfile: [
      'FROM busybox',
      'MAINTAINER Jane <jane@example.com>',
      'LABEL org.example.a="x y" b=2',
      'USER nobody:nogroup',
      'EXPOSE 80 53/udp',
      'VOLUME ["/data", "/logs"]',
      'STOPSIGNAL SIGQUIT',
      'HEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD wget -q localhost || exit 1',
      'SHELL ["/bin/sh", "-ec"]',
      'ENTRYPOINT ["/bin/echo"]',
      'CMD hello',
      '',
    ].join('\n'),
  });
  const r = await berth(d, ['build', '--label', 'from.cli=yes', '-t', 'meta', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Step 12\/12 : LABEL from\.cli=yes\n/);
  const insp = await docker(d, ['image', 'inspect', 'meta', '--format', '{{json .}}']);
  const img = JSON.parse(insp.stdout) as {
    Author: string;
    Config: { User: string; ExposedPorts: object; Volumes: object; StopSignal: string; Healthcheck: { Test: string[]; Interval: number; Timeout: number; Retries: number }; Shell: string[]; Entrypoint: string[]; Cmd: string[]; Labels: Record<string, string> };
  };
  assert.equal(img.Author, 'Jane <jane@example.com>');
  const c = img.Config;
  assert.equal(c.User, 'nobody:nogroup');
  assert.deepEqual(Object.keys(c.ExposedPorts).sort(), ['53/udp', '80/tcp']);
  assert.deepEqual(Object.keys(c.Volumes).sort(), ['/data', '/logs']);
  assert.equal(c.StopSignal, 'SIGQUIT');
  assert.deepEqual(c.Healthcheck.Test, ['CMD-SHELL', 'wget -q localhost || exit 1']);
  assert.equal(c.Healthcheck.Interval, 30e9);
  assert.equal(c.Healthcheck.Retries, 3);
  assert.deepEqual(c.Shell, ['/bin/sh', '-ec']);
  assert.deepEqual(c.Entrypoint, ['/bin/echo']);
  // CMD after SHELL uses the new shell.
  assert.deepEqual(c.Cmd, ['/bin/sh', '-ec', 'hello']);
  assert.deepEqual(c.Labels, { 'org.example.a': 'x y', b: '2', 'from.cli': 'yes' });
  const h = await docker(d, ['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'meta']);
  const lines = h.stdout.trim().split('\n');
  assert.ok(lines.includes('/bin/sh -c #(nop)  HEALTHCHECK &{["CMD-SHELL" "wget -q localhost || exit 1"] "30s" "3s" "0s" "0s" \'\\x03\'}'), lines.join('\n'));
  assert.ok(lines.includes('/bin/sh -c #(nop)  VOLUME [/data /logs]'));
  assert.ok(lines.includes('/bin/sh -c #(nop)  MAINTAINER Jane <jane@example.com>'));
  assert.ok(lines.includes('/bin/sh -ec #(nop)  SHELL [/bin/sh -ec]'));
  assert.ok(lines.includes('/bin/sh -ec #(nop)  ENTRYPOINT ["/bin/echo"]'));
  const run = await berth(d, ['run', '--rm', 'meta']);
  assert.equal(run.stdout, '/bin/sh -ec hello\n');
});
