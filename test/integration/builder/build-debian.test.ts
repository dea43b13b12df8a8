import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, DOCKER, destroyDaemon, runCmd, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { makeContext } from './helpers.js';

/**
 * The `git` seed image: FROM debian:bookworm + apt-get through the bridge to the Debian
 * mirror, built with `berth build` and the real `docker build`. debian:bookworm is the
 * rootfs tar scripts/base-images/make.sh --debian leaves in its cache (scripts/setup.sh
 * makes it); without that tar the test is skipped, never failed.
 */
const DEBIAN_TAR = join(process.env.BERTH_CACHE ?? '/var/cache/berth', 'base-images/debian-bookworm.tar');
const missing = await access(DEBIAN_TAR).then(
  () => undefined,
  () => `no debian base image rootfs at ${DEBIAN_TAR} (make it with: bash scripts/base-images/make.sh --debian)`,
);

let d: Daemon | undefined;
let dir: string | undefined;

before(async () => {
  if (missing) return;
  d = await startDaemon();
  // The same image make.sh imports into the main daemon.
  const r = await berth(d, [
    'import', '-c', 'CMD ["bash"]', '-c', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_TAR, 'debian:bookworm',
  ]);
  assert.equal(r.code, 0, r.stderr);
  dir = await makeContext({ Dockerfile: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y git\n' });
});
after(async () => {
  if (d) await destroyDaemon(d);
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('FROM debian:bookworm + apt-get install git builds with docker build and runs git; berth build reuses it', { skip: missing ?? false, timeout: 300_000 }, async () => {
  // One real apt-get run (the slow part), through the real docker CLI.
  const env = { DOCKER_HOST: d!.host, DOCKER_CONFIG: join(d!.root, 'docker-config'), DOCKER_BUILDKIT: '0' };
  const k = await runCmd(DOCKER, ['build', '-t', 'git:docker', dir!], { env });
  assert.equal(k.code, 0, k.stderr + k.stdout);
  assert.match(k.stdout, /Step 2\/2 : RUN apt-get update && apt-get install -y git\n(?: ---> Cache miss: .*\n)? ---> Running in [0-9a-f]{12}\n/);
  assert.match(k.stdout, /Get:\d+ http:\/\/\S+ bookworm/);
  assert.match(k.stdout, /Setting up git /);
  const dv = await runCmd(DOCKER, ['run', '--rm', 'git:docker', 'git', '--version'], { env });
  assert.equal(dv.code, 0, dv.stderr);
  assert.match(dv.stdout, /^git version \d+\.\d+/);

  const b = await berth(d!, ['build', '-t', 'git:berth', dir!]);
  assert.equal(b.code, 0, b.stderr + b.stdout);
  assert.match(b.stdout, / ---> Using cache\n/);
  const ids = await berth(d!, ['images', '--format', '{{.ID}}', 'git']);
  assert.equal(new Set(ids.stdout.trim().split('\n')).size, 1, ids.stdout);
  const v = await berth(d!, ['run', '--rm', 'git:berth', 'git', '--version']);
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout, dv.stdout);
});
