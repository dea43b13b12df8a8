import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { berth, busyboxTar, destroyDaemon, docker, exists, runCmd, startDaemon, DOCKER, type Daemon } from '../helpers/berthd.js';

/**
 * Side by side with a real Docker daemon (Debian's docker.io) on its own roots:
 * images saved by one load into the other with the same image ID, both ways.
 * Skips (never fails) when dockerd is missing or does not come up.
 */
const DOCKERD = ['/usr/sbin/dockerd', '/usr/bin/dockerd'];

let d: Daemon;
let peer: { root: string; host: string; proc: ChildProcess; exited: Promise<unknown> } | undefined;
let skipReason: string | undefined;

function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startPeer(): Promise<void> {
  let bin: string | undefined;
  for (const p of DOCKERD) if (await exists(p)) bin = bin ?? p;
  if (!bin) {
    skipReason = 'dockerd (Debian docker.io) is not installed';
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'berth-peer-'));
  const sock = join(root, 'docker.sock');
  const ns = `berth-peer-${basename(root).slice(-6)}`;
  const log = await open(join(root, 'dockerd.log'), 'w');
  // Own roots, socket and containerd namespace; it starts its own managed containerd under exec-root.
  // Never --bridge=none: that deletes docker0, which another daemon on this machine may be using.
  const proc = spawn(bin, [
    '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '-H', `unix://${sock}`,
    '--pidfile', join(root, 'docker.pid'), '--containerd-namespace', ns,
    '--containerd-plugins-namespace', `${ns}-plugins`, '--iptables=false',
  ], { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const exited = new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
  proc.once('error', () => undefined);
  peer = { root, host: `unix://${sock}`, proc, exited };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) break;
    if (await ping(sock)) return;
    await sleep(200);
  }
  const tail = (await readFile(join(root, 'dockerd.log'), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
  const how = proc.exitCode !== null || proc.signalCode !== null ? `exited (${proc.exitCode ?? proc.signalCode})` : 'did not answer within 30 s';
  skipReason = `the peer dockerd ${how}: ${tail}`;
}

async function stopPeer(): Promise<void> {
  if (!peer) return;
  const { proc, exited, root } = peer;
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 20_000)))]);
    clearTimeout(timer);
    if (!done) {
      proc.kill('SIGKILL');
      await exited;
    }
  }
  // dockerd stops its managed containerd on a clean exit; after a SIGKILL it may be left behind.
  const pid = Number((await readFile(join(root, 'exec/containerd/containerd.pid'), 'utf8').catch(() => '')).trim());
  if (pid > 0) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(root)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && (await exists(`/proc/${pid}`)); i++) await sleep(100);
    }
  }
  // Mount points are field 5 of mountinfo; deepest first, recursive and lazy.
  await runCmd('sh', ['-c', `awk '{print $5}' /proc/self/mountinfo | grep '^${root}/' | sort -r | xargs -r -n1 umount -R -l`]);
  await rm(root, { recursive: true, force: true });
}

function realDocker(args: string[], input?: Buffer) {
  return runCmd(DOCKER, args, { env: { DOCKER_HOST: peer!.host, DOCKER_CONFIG: join(peer!.root, 'cfg') }, input });
}

/** Full image ID of a reference, asking the given daemon. */
async function idOf(run: (args: string[]) => ReturnType<typeof realDocker>, ref: string): Promise<string> {
  const r = await run(['image', 'inspect', '--format', '{{.Id}}', ref]);
  assert.equal(r.code, 0, `inspect ${ref}: ${r.stderr}`);
  return r.stdout.trim();
}

const onBerth = (args: string[], input?: Buffer) => docker(d, args, input);
const onPeer = (args: string[], input?: Buffer) => realDocker(args, input);

before(async () => {
  d = await startDaemon();
  const r = await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
  await startPeer();
});

after(async () => {
  await stopPeer();
  if (d) await destroyDaemon(d);
});

test('an image saved by Berth loads into real Docker with the same ID and runs there', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const saved = await onBerth(['save', 'busybox']);
  assert.equal(saved.code, 0, saved.stderr);
  const loaded = await onPeer(['load'], Buffer.from(saved.stdout, 'latin1'));
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /Loaded image: busybox:latest/);
  const berthId = await idOf(onBerth, 'busybox:latest');
  assert.match(berthId, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await idOf(onPeer, 'busybox:latest'), berthId);
  const cmd = await onPeer(['image', 'inspect', '--format', '{{json .Config.Cmd}}', 'busybox']);
  assert.equal(cmd.stdout.trim(), '["sh"]');
  // --network none: the peer shares docker0 with whatever else runs here; stay off it.
  const run = await onPeer(['run', '--rm', '--network', 'none', 'busybox', 'echo', 'made by berth']);
  if (run.code === 0) assert.equal(run.stdout.trim(), 'made by berth');
  else t.diagnostic(`the peer dockerd could not run a container here: ${run.stderr.trim()}`);
});

test('an image saved by real Docker (legacy layout, plain and gzip) loads into Berth with the same ID and tags', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const imp = await onPeer(['import', '-c', 'CMD ["sh"]', '-m', 'peer import', await busyboxTar(), 'peer/imp:1']);
  assert.equal(imp.code, 0, imp.stderr);
  assert.equal((await onPeer(['tag', 'peer/imp:1', 'peer/imp:2'])).code, 0);
  const dockerId = await idOf(onPeer, 'peer/imp:1');

  const saved = await onPeer(['save', 'peer/imp:1', 'peer/imp:2']);
  assert.equal(saved.code, 0, saved.stderr);
  const archive = Buffer.from(saved.stdout, 'latin1');
  const loaded = await onBerth(['load'], archive);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /Loaded image: peer\/imp:1/);
  assert.match(loaded.stdout, /Loaded image: peer\/imp:2/);
  assert.equal(await idOf(onBerth, 'peer/imp:1'), dockerId);
  assert.equal(await idOf(onBerth, 'peer/imp:2'), dockerId);

  // inspect and history agree with the daemon that made the image.
  const fmt = '{{json .RepoTags}}|{{.Created}}|{{.Comment}}|{{.Os}}/{{.Architecture}}|{{json .Config.Cmd}}|{{json .RootFS.Layers}}';
  const mine = await onBerth(['image', 'inspect', '--format', fmt, 'peer/imp:1']);
  const theirs = await onPeer(['image', 'inspect', '--format', fmt, 'peer/imp:1']);
  assert.equal(mine.code, 0, mine.stderr);
  const sortTags = (s: string) => s.trim().replace(/^\[[^\]]*\]/, (m) => JSON.stringify((JSON.parse(m) as string[]).sort()));
  assert.equal(sortTags(mine.stdout), sortTags(theirs.stdout));
  const histFmt = ['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Comment}}', 'peer/imp:1'];
  const hist = await onBerth(histFmt);
  assert.equal(hist.code, 0, hist.stderr);
  assert.equal(hist.stdout, (await onPeer(histFmt)).stdout);

  // The same archive gzipped (docker save | gzip) loads too.
  const rmi = await onBerth(['rmi', 'peer/imp:1', 'peer/imp:2']);
  assert.equal(rmi.code, 0, rmi.stderr);
  const gz = await runCmd('gzip', ['-c'], { input: archive });
  assert.equal(gz.code, 0, gz.stderr);
  const loadedGz = await onBerth(['load'], Buffer.from(gz.stdout, 'latin1'));
  assert.equal(loadedGz.code, 0, loadedGz.stderr);
  assert.equal(await idOf(onBerth, 'peer/imp:1'), dockerId);
  assert.equal(await idOf(onBerth, 'peer/imp:2'), dockerId);
  const run = await onBerth(['run', '--rm', 'peer/imp:1', 'echo', 'made by docker']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'made by docker\n');
});

test('a two-layer image with whiteouts committed by real Docker round-trips through Berth', async (t) => {
  if (skipReason) return t.skip(skipReason);
  // Needs the busybox image from the first test on the peer and a peer that can run containers.
  if ((await onPeer(['image', 'inspect', 'busybox:latest'])).code !== 0) return t.skip('busybox is not on the peer');
  const mk = await onPeer(['run', '--name', 'mk', '--network', 'none', 'busybox', 'sh', '-c', 'echo made-by-docker > /greeting; rm /bin/vi']);
  try {
    if (mk.code !== 0) return t.skip(`the peer dockerd cannot run containers here: ${mk.stderr.trim()}`);
    assert.equal((await onPeer(['commit', '-c', 'CMD ["cat","/greeting"]', 'mk', 'peer/greet:1'])).code, 0);
    const dockerId = await idOf(onPeer, 'peer/greet:1');
    const saved = await onPeer(['save', 'peer/greet:1']);
    assert.equal(saved.code, 0, saved.stderr);
    const loaded = await onBerth(['load'], Buffer.from(saved.stdout, 'latin1'));
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(await idOf(onBerth, 'peer/greet:1'), dockerId);
    const run = await onBerth(['run', '--rm', 'peer/greet:1']);
    assert.equal(run.stdout, 'made-by-docker\n');
    const vi = await onBerth(['run', '--rm', 'peer/greet:1', 'ls', '/bin/vi']);
    assert.notEqual(vi.code, 0, 'the whiteout of the second layer hides /bin/vi');

    // And back: Berth's save of it loads into a Docker that no longer has it.
    assert.equal((await onPeer(['rmi', 'peer/greet:1'])).code, 0);
    const back = await onBerth(['save', 'peer/greet:1']);
    assert.equal(back.code, 0, back.stderr);
    const reloaded = await onPeer(['load'], Buffer.from(back.stdout, 'latin1'));
    assert.equal(reloaded.code, 0, reloaded.stderr);
    assert.equal(await idOf(onPeer, 'peer/greet:1'), dockerId);
    const again = await onPeer(['run', '--rm', '--network', 'none', 'peer/greet:1']);
    assert.equal(again.stdout, 'made-by-docker\n');
  } finally {
    await onPeer(['rm', '-f', 'mk']);
  }
});
