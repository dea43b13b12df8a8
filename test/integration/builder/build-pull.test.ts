import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, DOCKER, destroyDaemon, runCmd, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { startRegistry, tempRoot, type RegistryProcess } from '../registry-server/registry-process.js';
import { makeContext, seedBusybox } from './helpers.js';

/**
 * FROM and COPY --from of an image that is not local pull it, as Docker's classic builder
 * does, with the pull's lines in the build output; --pull fetches a newer base and the
 * cache miss names it. Daemon `pub` pushes to a `berth registry serve` started here;
 * daemon `d` starts with no image at all.
 */
let root: string;
let reg: RegistryProcess;
let pub: Daemon;
let d: Daemon;
const dirs: string[] = [];

const ok = (r: { code: number; stderr: string; stdout: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);

before(async () => {
  root = await tempRoot('berth-build-pull-');
  reg = await startRegistry(join(root, 'registry'));
  [pub, d] = await Promise.all([startDaemon(), startDaemon()]);
  await seedBusybox(pub);
  ok(await berth(pub, ['tag', 'busybox:latest', `${reg.hostPort}/base:1`]), 'tag');
  ok(await berth(pub, ['push', `${reg.hostPort}/base:1`]), 'push');
  const files = await ctx({ Dockerfile: 'FROM busybox\nRUN echo tool > /tool.txt\n' });
  ok(await berth(pub, ['build', '-t', `${reg.hostPort}/tools:1`, files]), 'build tools');
  ok(await berth(pub, ['push', `${reg.hostPort}/tools:1`]), 'push tools');
});

after(async () => {
  await Promise.all([pub && destroyDaemon(pub), d && destroyDaemon(d)]);
  await reg?.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  if (root) await rm(root, { recursive: true, force: true });
});

async function ctx(files: Record<string, string>): Promise<string> {
  const dir = await makeContext(files);
  dirs.push(dir);
  return dir;
}

function dockerBuild(args: string[]) {
  return runCmd(DOCKER, ['build', ...args], { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.root, 'docker-config'), DOCKER_BUILDKIT: '0' } });
}

test('FROM and COPY --from an image that is not local pull it, with the pull\'s progress in the build output', async () => {
  const R = reg.hostPort;
  const dir = await ctx({ Dockerfile: `FROM ${R}/base:1\nCOPY --from=${R}/tools:1 /tool.txt /\nRUN cat /tool.txt\n` });
  const r = await berth(d, ['build', '-t', 'pulled:1', dir]);
  ok(r, 'build');
  assert.match(r.stdout, new RegExp(`Step 1/3 : FROM ${R}/base:1\n1: Pulling from base\n`));
  assert.match(r.stdout, /^[0-9a-f]{12}: Pull complete$/m);
  assert.match(r.stdout, new RegExp(`Status: Downloaded newer image for ${R}/base:1\n ---> [0-9a-f]{12}\nStep 2/3`));
  assert.match(r.stdout, new RegExp(`Step 2/3 : COPY --from=${R}/tools:1 /tool.txt /\n1: Pulling from tools\n`));
  assert.match(r.stdout, new RegExp(`Status: Downloaded newer image for ${R}/tools:1\n`));
  assert.match(r.stdout, /\ntool\n/);
  // Both are now local images, tagged as pulled.
  const imgs = await berth(d, ['images', '--format', '{{.Repository}}:{{.Tag}}']);
  assert.ok(imgs.stdout.includes(`${R}/base:1`) && imgs.stdout.includes(`${R}/tools:1`), imgs.stdout);

  // A missing image fails the build with the registry's answer.
  const missing = await ctx({ Dockerfile: `FROM ${R}/nope:1\nRUN true\n` });
  const m = await berth(d, ['build', missing]);
  assert.equal(m.code, 1);
  assert.match(m.stderr, new RegExp(`manifest for ${R}/nope:1 not found`));
  const badFrom = await ctx({ Dockerfile: `FROM ${R}/base:1\nCOPY --from=${R}/nope:2 /x /x\n` });
  const f = await berth(d, ['build', badFrom]);
  assert.equal(f.code, 1);
  assert.match(f.stderr, new RegExp(`invalid from flag value ${R}/nope:2: manifest for ${R}/nope:2 not found`));
});

test('--pull fetches a newer base and the cache miss says the base changed; without it the local base is used', async () => {
  const R = reg.hostPort;
  const dir = await ctx({ Dockerfile: `FROM ${R}/base:1\nRUN echo built > /built.txt\n` });
  ok(await berth(d, ['build', '-t', 'app:1', dir]), 'first build');

  // The registry's base:1 moves on.
  const v2 = await ctx({ Dockerfile: 'FROM busybox\nRUN echo v2 > /version.txt\n' });
  ok(await berth(pub, ['build', '-t', `${R}/base:1`, v2]), 'build v2');
  ok(await berth(pub, ['push', `${R}/base:1`]), 'push v2');

  const local = await dockerBuild(['-t', 'app:1', dir]);
  ok(local, 'rebuild');
  assert.doesNotMatch(local.stdout, /Pulling from/);
  assert.match(local.stdout, /Step 2\/2 : RUN echo built > \/built.txt\n ---> Using cache\n/);

  const pulled = await dockerBuild(['--pull', '-t', 'app:1', dir]);
  ok(pulled, 'build --pull');
  assert.match(pulled.stdout, new RegExp(`1: Pulling from base\n`));
  assert.match(pulled.stdout, new RegExp(`Status: Downloaded newer image for ${R}/base:1\n`));
  assert.match(pulled.stdout, new RegExp(` ---> Cache miss: RUN echo built > /built.txt: base image ${R}/base:1 changed\n`));
  const run = await berth(d, ['run', '--rm', 'app:1', 'cat', '/version.txt', '/built.txt']);
  ok(run, 'run');
  assert.equal(run.stdout, 'v2\nbuilt\n');

  // Nothing newer: the pull says so and the step is a cache hit again.
  const again = await dockerBuild(['--pull', '-t', 'app:1', dir]);
  ok(again, 'build --pull again');
  assert.match(again.stdout, new RegExp(`Status: Image is up to date for ${R}/base:1\n`));
  assert.match(again.stdout, / ---> Using cache\n/);
});
