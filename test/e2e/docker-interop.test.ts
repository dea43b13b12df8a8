import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { berth, busyboxTar, destroyDaemon, docker, runCmd, startDaemon, type Daemon } from '../helpers/berthd.js';
import { startPeerDockerd, type PeerDockerd } from '../helpers/peer-dockerd.js';

/**
 * Side by side with a real Docker daemon (Debian's docker.io) on its own roots:
 * images saved by one load into the other with the same image ID, both ways.
 * Skips (never fails) when dockerd is missing or does not come up.
 */
let d: Daemon;
let peer: PeerDockerd | undefined;
let skipReason: string | undefined;

function realDocker(args: string[], input?: Buffer) {
  return peer!.docker(args, input);
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
  const p = await startPeerDockerd();
  if (typeof p === 'string') skipReason = p;
  else peer = p;
});

after(async () => {
  await peer?.stop();
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
