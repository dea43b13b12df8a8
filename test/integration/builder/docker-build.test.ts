import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DOCKER, runCmd, type Daemon } from '../../helpers/berthd.js';
import { builtId, useBuildDaemon } from './helpers.js';

let d: Daemon;
const ctx = useBuildDaemon((daemon) => (d = daemon));

/** The real docker CLI against the test daemon; `buildkit` undefined leaves DOCKER_BUILDKIT unset. */
function dockerBuild(args: string[], buildkit: '0' | undefined = '0', input?: string) {
  const env: NodeJS.ProcessEnv = { DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.root, 'docker-config'), DOCKER_BUILDKIT: buildkit };
  if (buildkit === undefined) delete env.DOCKER_BUILDKIT;
  return runCmd(DOCKER, ['build', ...args], { env, ...(input !== undefined ? { input } : {}) });
}

test('docker build (DOCKER_BUILDKIT=0) prints the classic builder\'s steps and builds a runnable image', async () => {
  const dir = await ctx({
    Dockerfile: 'FROM busybox\nRUN mkdir -p /www && echo hello > /www/index.html\nWORKDIR /www\nENV A=b\nEXPOSE 80\nCMD ["httpd","-f","-p","80"]\n',
  });
  const r = await dockerBuild(['-t', 'dk:web', '-t', 'dk:also', dir]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Sending build context to Docker daemon/);
  assert.match(r.stdout, /Step 1\/6 : FROM busybox\n ---> [0-9a-f]{12}\n/);
  assert.match(r.stdout, / ---> Running in [0-9a-f]{12}\n/);
  assert.match(r.stdout, /Successfully built [0-9a-f]{12}\nSuccessfully tagged dk:web\nSuccessfully tagged dk:also\n/);
  const again = await dockerBuild(['-t', 'dk:web', dir]);
  assert.equal(again.stdout.match(/ ---> Using cache\n/g)?.length, 5);
  assert.equal(builtId(again.stdout), builtId(r.stdout));
  const run = await runCmd(DOCKER, ['run', '--rm', '--network', 'none', 'dk:web', 'cat', '/www/index.html'], { env: { DOCKER_HOST: d.host } });
  assert.equal(run.stdout, 'hello\n', run.stderr);
  // -q prints the ID only, --iidfile writes it.
  const q = await dockerBuild(['-q', '--iidfile', join(dir, 'iid'), dir]);
  assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
});

test('docker build without DOCKER_BUILDKIT and no buildx plugin falls back to the classic builder', async () => {
  const dir = await ctx({ Dockerfile: 'FROM busybox\nRUN echo fallback\n' });
  const r = await dockerBuild(['-t', 'dk:fallback', dir], undefined);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Step 2\/2 : RUN echo fallback\n/);
  assert.match(r.stdout, /\nfallback\n/);
  assert.match(r.stdout, /Successfully tagged dk:fallback\n/);
});

test('docker build: a failing RUN exits with its code; a bad Dockerfile is an error response; stdin Dockerfile; --target and build args', async () => {
  const fail = await ctx({ Dockerfile: 'FROM busybox\nRUN exit 7\n' });
  const f = await dockerBuild([fail]);
  assert.equal(f.code, 7, f.stderr + f.stdout);
  assert.match(f.stderr, /The command '\/bin\/sh -c exit 7' returned a non-zero code: 7/);
  const bad = await ctx({ Dockerfile: 'FROM busybox\nNOPE x\n' });
  const b = await dockerBuild([bad]);
  assert.notEqual(b.code, 0);
  assert.match(b.stderr, /Error response from daemon: Dockerfile:2: unknown instruction: NOPE/i);
  const s = await dockerBuild(['-t', 'dk:stdin', '-'], '0', 'FROM busybox\nARG X=1\nRUN echo "x=$X"\n');
  assert.equal(s.code, 0, s.stderr + s.stdout);
  assert.match(s.stdout, /x=1\n/);
  const multi = await ctx({ Dockerfile: 'FROM busybox AS a\nARG V\nRUN echo "a$V" > /a\nFROM busybox AS b\nCOPY --from=a /a /a\nRUN cat /a\n' });
  const m = await dockerBuild(['--build-arg', 'V=9', '--target', 'b', multi]);
  assert.equal(m.code, 0, m.stderr + m.stdout);
  assert.match(m.stdout, /\na9\n/);
});
