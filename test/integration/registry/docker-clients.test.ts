import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { busyboxTar, destroyDaemon, docker, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { berthCli, inspectField, startDockerRegistry, type Registry } from './registry-helpers.js';
import { startPeerDockerd as startPeer, type PeerDockerd as Peer } from '../../helpers/peer-dockerd.js';

/**
 * Outside clients: the real docker CLI pushes and pulls through berthd (its progress
 * stream, X-Registry-Auth, /distribution), and real Docker pulls what Berth pushed
 * with the same image ID (and Berth pulls what real Docker pushed).
 */
let reg: Registry;
let d: Daemon;
let peer: Peer | undefined;
let skipPeer: string | undefined;
let bbId: string;

const ok = (r: { code: number; stderr: string; stdout: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);

before(async () => {
  reg = await startDockerRegistry();
  d = await startDaemon();
  ok(await berthCli(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']), 'import');
  bbId = await inspectField(d, 'busybox', '{{.Id}}');
  const p = await startPeer();
  if (typeof p === 'string') skipPeer = p;
  else peer = p;
});

after(async () => {
  await peer?.stop();
  if (d) await destroyDaemon(d);
  await reg?.stop();
});

test('the real docker CLI pushes and pulls through berthd', async () => {
  const R = reg.host;
  ok(await docker(d, ['tag', 'busybox', `${R}/viadocker:1`]), 'tag');
  const push = await docker(d, ['push', `${R}/viadocker:1`]);
  ok(push, 'docker push');
  assert.match(push.stdout, new RegExp(`The push refers to repository \\[${R}/viadocker\\]`));
  assert.match(push.stdout, /^[0-9a-f]{12}: Pushed$/m);
  const digest = /^1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(push.stdout)?.[1];
  assert.ok(digest, push.stdout);
  ok(await docker(d, ['rmi', `${R}/viadocker:1`]), 'rmi');
  const again = await docker(d, ['push', `${R}/viadocker:1`]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, new RegExp(`An image does not exist locally with the tag: ${R}/viadocker`));
  ok(await docker(d, ['rmi', 'busybox']), 'rmi busybox');

  const pull = await docker(d, ['pull', `${R}/viadocker:1`]);
  ok(pull, 'docker pull');
  assert.match(pull.stdout, /^1: Pulling from viadocker$/m);
  assert.match(pull.stdout, /: Pull complete$/m);
  assert.match(pull.stdout, new RegExp(`^Digest: ${digest}$`, 'm'));
  assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${R}/viadocker:1\n${R}/viadocker:1\n$`));
  const ids = await docker(d, ['image', 'inspect', '--format', '{{.Id}} {{json .RepoDigests}}', `${R}/viadocker:1`]);
  assert.equal(ids.stdout.trim(), `${bbId} ["${R}/viadocker@${digest}"]`);

  const missing = await docker(d, ['pull', `${R}/nosuch`]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, new RegExp(`manifest for ${R}/nosuch:latest not found: manifest unknown`));
  const byDigest = await docker(d, ['pull', `${R}/viadocker@${digest}`]);
  ok(byDigest, 'docker pull by digest');
  const up = await docker(d, ['pull', '-q', `${R}/viadocker:1`]);
  assert.equal(up.stdout, `${R}/viadocker:1\n`);
});

test('the docker CLI logs in through berthd (POST /auth)', async () => {
  const basic = await startDockerRegistry({ htpasswd: { user: 'carol', password: 'pw' } });
  try {
    const bad = await docker(d, ['login', '-u', 'carol', '--password-stdin', basic.host], 'wrong');
    assert.notEqual(bad.code, 0);
    const good = await docker(d, ['login', '-u', 'carol', '--password-stdin', basic.host], 'pw');
    ok(good, 'docker login');
    assert.match(good.stdout, /Login Succeeded/);
    ok(await docker(d, ['tag', `${reg.host}/viadocker:1`, `${basic.host}/private:1`]), 'tag');
    ok(await docker(d, ['push', `${basic.host}/private:1`]), 'docker push with stored credentials');
  } finally {
    await basic.stop();
  }
});

test('real Docker pulls what Berth pushed, with the same image ID; Berth pulls what Docker pushed', async (t) => {
  if (skipPeer || !peer) return t.skip(skipPeer);
  const R = reg.host;
  ok(await berthCli(d, ['tag', `${reg.host}/viadocker:1`, `${R}/forpeer:1`]), 'tag');
  ok(await berthCli(d, ['push', `${R}/forpeer:1`]), 'berth push');
  const pulled = await peer.docker(['pull', `${R}/forpeer:1`]);
  ok(pulled, 'peer pull');
  const peerId = (await peer.docker(['image', 'inspect', '--format', '{{.Id}}', `${R}/forpeer:1`])).stdout.trim();
  assert.equal(peerId, bbId);

  ok(await peer.docker(['tag', `${R}/forpeer:1`, `${R}/frompeer:1`]), 'peer tag');
  ok(await peer.docker(['push', `${R}/frompeer:1`]), 'peer push');
  const back = await berthCli(d, ['pull', `${R}/frompeer:1`]);
  ok(back, 'berth pull of the peer push');
  assert.equal(await inspectField(d, `${R}/frompeer:1`, '{{.Id}}'), bbId);
});
