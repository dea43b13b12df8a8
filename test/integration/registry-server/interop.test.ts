import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { berth, busyboxTar, destroyDaemon, REPO, runCmd, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { freePort } from '../../helpers/net.js';
import { startPeerDockerd, type PeerDockerd } from '../../helpers/peer-dockerd.js';
import { startRegistry, tempRoot, type RegistryProcess } from './registry-process.js';

/** Outside clients against Berth's registry: skopeo, Debian's dockerd, and the registry running as a Berth container. */
const run = promisify(execFile);
let d: Daemon;
let reg: RegistryProcess;
let work: string;
let savedTar: string;
let busyboxId: string;

before(async () => {
  d = await startDaemon();
  const imp = await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']);
  assert.equal(imp.code, 0, imp.stderr);
  busyboxId = (await berth(d, ['image', 'inspect', '--format', '{{.Id}}', 'busybox:latest'])).stdout.trim();
  work = await tempRoot('berth-regsrv-interop-');
  const saved = await berth(d, ['save', 'busybox:latest']);
  assert.equal(saved.code, 0, saved.stderr);
  savedTar = join(work, 'busybox.tar');
  await writeFile(savedTar, Buffer.from(saved.stdout, 'latin1'));
  reg = await startRegistry(join(work, 'registry'));
});

after(async () => {
  await reg?.stop();
  if (d) await destroyDaemon(d);
  await rm(work, { recursive: true, force: true });
});

async function manifestDigestOfLayout(dir: string): Promise<string> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  return index.manifests[0]!.digest;
}

test('skopeo copies an OCI layout into the registry and back with the same manifest digest', async () => {
  const layout = join(work, 'layout');
  await mkdir(layout);
  await run('tar', ['-xf', savedTar, '-C', layout]);
  const pushed = await manifestDigestOfLayout(layout);
  const to = await runCmd('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}`, `docker://${reg.hostPort}/library/busybox:1.0`]);
  assert.equal(to.code, 0, to.stderr);
  const raw = await runCmd('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${reg.hostPort}/library/busybox:1.0`]);
  assert.equal(raw.stdout.trim(), pushed);
  const back = join(work, 'back');
  const from = await runCmd('skopeo', ['copy', '--src-tls-verify=false', `docker://${reg.hostPort}/library/busybox:1.0`, `oci:${back}:1.0`]);
  assert.equal(from.code, 0, from.stderr);
  assert.equal(await manifestDigestOfLayout(back), pushed);
  // A second copy finds every blob present (HEAD) and uploads nothing.
  const again = await runCmd('skopeo', ['copy', '--dest-tls-verify=false', `oci:${layout}`, `docker://${reg.hostPort}/library/busybox:1.0`]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr + again.stdout, /already exists|Copying blob/);
});

test('real Docker (Debian dockerd) pushes to the registry and pulls back the same image ID', async (t) => {
  const peer: PeerDockerd | string = await startPeerDockerd();
  if (typeof peer === 'string') return t.skip(peer);
  try {
    const loaded = await peer.docker(['load', '-i', savedTar]);
    assert.equal(loaded.code, 0, loaded.stderr);
    const ref = `${reg.hostPort}/peer/busybox:pushed`;
    assert.equal((await peer.docker(['tag', 'busybox:latest', ref])).code, 0);
    const push = await peer.docker(['push', ref]);
    assert.equal(push.code, 0, push.stderr);
    const digest = push.stdout.match(/digest: (sha256:[0-9a-f]{64})/)?.[1];
    assert.ok(digest, push.stdout);
    assert.equal((await peer.docker(['rmi', ref, 'busybox:latest'])).code, 0);
    const pull = await peer.docker(['pull', ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
    const id = (await peer.docker(['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();
    assert.equal(id, busyboxId);
    // Docker mounts across repositories when it knows where a layer came from.
    const mountRef = `${reg.hostPort}/peer/other:1`;
    await peer.docker(['tag', ref, mountRef]);
    const push2 = await peer.docker(['push', mountRef]);
    assert.equal(push2.code, 0, push2.stderr);
    assert.match(push2.stdout, /Mounted from peer\/busybox|Layer already exists/);
  } finally {
    await peer.stop();
  }
});

test('scripts/registry-image.sh makes berth/registry:latest: on the bridge with -p and a volume, berth pushes to it and pulls back', async () => {
  const made = await runCmd('bash', [join(REPO, 'scripts/registry-image.sh'), '-H', d.host]);
  assert.equal(made.code, 0, made.stderr);
  const port = await freePort();
  const R = `127.0.0.1:${port}`;
  // The image's default CMD: --addr 0.0.0.0:5000 --root /var/lib/registry.
  const started = await berth(d, ['run', '-d', '--name', 'registry', '-p', `${R}:5000`, '-v', 'regdata:/var/lib/registry', 'berth/registry:latest']);
  assert.equal(started.code, 0, started.stderr);
  try {
    let res: Response | undefined;
    for (let i = 0; i < 50 && !res; i++) {
      res = await fetch(`http://${R}/v2/`).catch(() => undefined);
      if (!res) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(res, (await berth(d, ['logs', 'registry'])).stderr);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.equal((await berth(d, ['tag', 'busybox:latest', `${R}/bb:1`])).code, 0);
    const push = await berth(d, ['push', `${R}/bb:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await berth(d, ['rmi', `${R}/bb:1`])).code, 0);
    const pull = await berth(d, ['pull', `${R}/bb:1`]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await berth(d, ['image', 'inspect', '--format', '{{.Id}}', `${R}/bb:1`])).stdout.trim(), busyboxId);
    const logs = await berth(d, ['logs', 'registry']);
    assert.match(logs.stdout + logs.stderr, /method="PUT" path="\/v2\/bb\/manifests\/1" status=201/);
  } finally {
    const stop = await berth(d, ['stop', 'registry']);
    assert.equal(stop.code, 0, stop.stderr);
    const state = await berth(d, ['inspect', '--format', '{{.State.ExitCode}}', 'registry']);
    assert.equal(state.stdout.trim(), '0'); // SIGTERM is a clean shutdown, also as PID 1
    await berth(d, ['rm', '-v', 'registry']);
    await berth(d, ['volume', 'rm', 'regdata']);
  }
});
