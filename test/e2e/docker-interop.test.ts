import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, busyboxTar, destroyDaemon, docker, exists, runCmd, startDaemon, DOCKER, type Daemon } from '../helpers/berthd.js';

/**
 * Side by side with a real Docker daemon (Debian's docker.io) on its own roots:
 * images saved by one load into the other with the same image ID.
 */
let d: Daemon;
let peer: { root: string; host: string; proc: ChildProcess } | undefined;
let skipReason: string | undefined;

function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/_ping' }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.end();
  });
}

async function startPeer(): Promise<void> {
  if (!(await exists('/usr/sbin/dockerd'))) {
    skipReason = 'dockerd (Debian docker.io) is not installed';
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'berth-peer-'));
  const sock = join(root, 'docker.sock');
  // Own roots, socket and containerd namespace; never --bridge=none (it deletes another daemon's bridge).
  const proc = spawn('/usr/sbin/dockerd', [
    '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '-H', `unix://${sock}`,
    '--pidfile', join(root, 'docker.pid'), '--containerd-namespace', 'berth-peer-test',
    '--containerd-plugins-namespace', 'berth-peer-test-plugins', '--iptables=false',
  ], { stdio: 'ignore' });
  peer = { root, host: `unix://${sock}`, proc };
  for (let i = 0; i < 150; i++) {
    if (proc.exitCode !== null) break;
    if (await ping(sock)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  skipReason = 'the peer dockerd did not come up within 30 s';
}

function realDocker(args: string[], input?: Buffer) {
  return runCmd(DOCKER, args, { env: { DOCKER_HOST: peer!.host, DOCKER_CONFIG: join(peer!.root, 'cfg') }, input });
}

before(async () => {
  d = await startDaemon();
  const r = await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
  await startPeer();
});

after(async () => {
  if (d) await destroyDaemon(d);
  if (peer) {
    peer.proc.kill('SIGTERM');
    await new Promise((r) => (peer!.proc.exitCode !== null ? r(null) : peer!.proc.on('exit', r)));
    await runCmd('sh', ['-c', `grep -o " ${peer.root}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]);
    await rm(peer.root, { recursive: true, force: true });
  }
});

test('an image saved by Berth loads into real Docker with the same ID and runs there', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const saved = await docker(d, ['save', 'busybox']);
  assert.equal(saved.code, 0, saved.stderr);
  const loaded = await realDocker(['load'], Buffer.from(saved.stdout, 'latin1'));
  assert.equal(loaded.code, 0, loaded.stderr);
  const berthId = (await docker(d, ['images', '--no-trunc', '-q', 'busybox'])).stdout.trim();
  const dockerId = (await realDocker(['images', '--no-trunc', '-q', 'busybox'])).stdout.trim();
  assert.equal(dockerId, berthId);
  const run = await realDocker(['run', '--rm', 'busybox', 'echo', 'made by berth']);
  if (run.code === 0) assert.equal(run.stdout.trim(), 'made by berth');
  else t.diagnostic(`the peer dockerd could not run a container here: ${run.stderr.trim()}`);
});

test('an image saved by real Docker (legacy layout, whiteouts, gzip) loads into Berth with the same ID', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const tarDir = await mkdtemp(join(tmpdir(), 'berth-peer-img-'));
  try {
    // A two-layer image made by real Docker: the second layer adds a file and deletes one.
    const mk = await realDocker(['run', '--name', 'mk', 'busybox', 'sh', '-c', 'echo made-by-docker > /greeting; rm /bin/vi']);
    if (mk.code !== 0) return t.skip(`the peer dockerd cannot run containers here: ${mk.stderr.trim()}`);
    assert.equal((await realDocker(['commit', '-c', 'CMD ["cat","/greeting"]', 'mk', 'peer/greet:1'])).code, 0);
    const saved = await realDocker(['save', 'peer/greet:1']);
    assert.equal(saved.code, 0, saved.stderr);
    const archive = Buffer.from(saved.stdout, 'latin1');
    const loaded = await docker(d, ['load'], archive);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /Loaded image: peer\/greet:1/);
    const dockerId = (await realDocker(['images', '--no-trunc', '-q', 'peer/greet:1'])).stdout.trim();
    assert.equal((await docker(d, ['images', '--no-trunc', '-q', 'peer/greet:1'])).stdout.trim(), dockerId);
    const run = await docker(d, ['run', '--rm', 'peer/greet:1']);
    assert.equal(run.stdout, 'made-by-docker\n');
    const vi = await docker(d, ['run', '--rm', 'peer/greet:1', 'ls', '/bin/vi']);
    assert.notEqual(vi.code, 0, 'the whiteout of the second layer hides /bin/vi');
    const hist = await docker(d, ['history', '-q', 'peer/greet:1']);
    assert.equal(hist.code, 0, hist.stderr);
    // The same archive gzipped loads too.
    assert.equal((await berth(d, ['rmi', 'peer/greet:1'])).code, 0);
    const gz = await runCmd('gzip', ['-c'], { input: archive });
    const loadedGz = await docker(d, ['load'], Buffer.from(gz.stdout, 'latin1'));
    assert.equal(loadedGz.code, 0, loadedGz.stderr);
    assert.equal((await docker(d, ['images', '--no-trunc', '-q', 'peer/greet:1'])).stdout.trim(), dockerId);
  } finally {
    await realDocker(['rm', '-f', 'mk']);
    await rm(tarDir, { recursive: true, force: true });
  }
});
