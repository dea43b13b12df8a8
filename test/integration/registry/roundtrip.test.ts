import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { busyboxTar, destroyDaemon, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { dockerArchive, makeTar } from '../../helpers/tar-builder.js';
import { berthCli, inspectField, startDockerRegistry, startFront, type Front, type Registry } from './registry-helpers.js';

/**
 * Push to Debian's docker-registry through a counting front, pull back into a fresh
 * berthd: same image ID and manifest digest; by digest; all tags; mounts; chunked
 * uploads; a pull of what is already here transfers nothing; docker.io via a mirror.
 */
let reg: Registry;
let front: Front;
let a: Daemon;
let b: Daemon;
let F: string;

const ok = (r: { code: number; stderr: string; stdout: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);

before(async () => {
  reg = await startDockerRegistry();
  front = await startFront(reg.port);
  F = front.host;
  [a, b] = await Promise.all([startDaemon(), startDaemon()]);
  ok(await berthCli(a, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']), 'import');
  // Uncompressed layers (as `docker save` has them): a small one and one big enough for chunked upload.
  const small = await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/small', body: 'small layer\n' }]);
  const big = await makeTar([{ name: 'big.bin', body: randomBytes(20 << 20) }]);
  const third = await makeTar([{ name: 'third', body: 'third layer\n' }]);
  ok(await berthCli(a, ['load'], await dockerArchive([small, big], { tag: 'ml:1' })), 'load ml');
  ok(await berthCli(a, ['load'], await dockerArchive([small, third], { tag: 'ml2:1' })), 'load ml2');
});

after(async () => {
  await Promise.all([a && destroyDaemon(a), b && destroyDaemon(b)]);
  await front?.stop();
  await reg?.stop();
});

test('push to docker-registry and pull into a fresh berthd: same image ID and manifest digest, and it runs', async () => {
  ok(await berthCli(a, ['tag', 'busybox', `${F}/bb:1`]), 'tag');
  const push = await berthCli(a, ['push', `${F}/bb:1`]);
  ok(push, 'push');
  assert.match(push.stdout, new RegExp(`^The push refers to repository \\[${F}/bb\\]$`, 'm'));
  assert.match(push.stdout, /^[0-9a-f]{12}: Pushed$/m);
  const digest = /^1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(push.stdout)?.[1];
  assert.ok(digest, push.stdout);
  const id = await inspectField(a, `${F}/bb:1`, '{{.Id}}');
  assert.match(await inspectField(a, `${F}/bb:1`, '{{json .RepoDigests}}'), new RegExp(`"${F}/bb@${digest}"`));

  const pull = await berthCli(b, ['pull', `${F}/bb:1`]);
  ok(pull, 'pull');
  assert.match(pull.stdout, /^1: Pulling from bb$/m);
  assert.match(pull.stdout, /^[0-9a-f]{12}: Pull complete$/m);
  assert.match(pull.stdout, new RegExp(`^Digest: ${digest}$`, 'm'));
  assert.match(pull.stdout, new RegExp(`^Status: Downloaded newer image for ${F}/bb:1\n${F}/bb:1\n$`, 'm'));
  assert.equal(await inspectField(b, `${F}/bb:1`, '{{.Id}}'), id);
  assert.equal(await inspectField(b, `${F}/bb:1`, '{{json .RepoDigests}}'), JSON.stringify([`${F}/bb@${digest}`]));
  const run = await berthCli(b, ['run', '--rm', `${F}/bb:1`, 'echo', 'pulled']);
  ok(run, 'run');
  assert.equal(run.stdout, 'pulled\n');
});

test('uncompressed layers are gzipped once; a big blob goes up in chunks; a second push sends nothing', async () => {
  ok(await berthCli(a, ['tag', 'ml:1', `${F}/ml:1`]), 'tag');
  front.reset();
  const push = await berthCli(a, ['push', `${F}/ml:1`]);
  ok(push, 'push');
  const patches = front.requests.filter((r) => r.startsWith('PATCH '));
  assert.ok(patches.length >= 2, `chunked upload expected, saw ${front.requests.join(', ')}`);
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1];
  front.reset();
  const again = await berthCli(a, ['push', `${F}/ml:1`]);
  ok(again, 'push again');
  assert.equal((again.stdout.match(/Layer already exists/g) ?? []).length, 2, again.stdout);
  assert.equal(/digest: (sha256:[0-9a-f]{64})/.exec(again.stdout)?.[1], digest, 'the same manifest the second time');
  assert.equal(front.requests.filter((r) => /^(PATCH|PUT) .*blobs/.test(r)).length, 0, front.requests.join(', '));

  ok(await berthCli(b, ['pull', `${F}/ml:1`]), 'pull');
  assert.equal(await inspectField(b, `${F}/ml:1`, '{{.Id}}'), await inspectField(a, 'ml:1', '{{.Id}}'));
  assert.equal(await inspectField(b, `${F}/ml:1`, '{{json .RootFS.Layers}}'), await inspectField(a, 'ml:1', '{{json .RootFS.Layers}}'));
});

test('a pull of layers already here downloads only the new ones; pulling again transfers nothing', async () => {
  ok(await berthCli(a, ['tag', 'ml2:1', `${F}/ml2:1`]), 'tag');
  const push = await berthCli(a, ['push', `${F}/ml2:1`]);
  ok(push, 'push');
  assert.match(push.stdout, /: (Layer already exists|Mounted from ml)$/m, 'the shared layer is not uploaded again');
  front.reset();
  const pull = await berthCli(b, ['pull', `${F}/ml2:1`]);
  ok(pull, 'pull');
  assert.match(pull.stdout, /^[0-9a-f]{12}: Already exists$/m);
  // The new layer and the config, nothing else.
  assert.equal(front.blobGets().length, 2, front.blobGets().join('\n'));
  front.reset();
  const again = await berthCli(b, ['pull', `${F}/ml2:1`]);
  ok(again, 'pull again');
  assert.match(again.stdout, new RegExp(`^Status: Image is up to date for ${F}/ml2:1$`, 'm'));
  assert.doesNotMatch(again.stdout, /Pulling fs layer|Already exists/);
  assert.deepEqual(front.blobGets(), []);
});

test('pull by digest records the RepoDigest and no tag', async () => {
  const digest = (await inspectField(b, `${F}/bb:1`, '{{index .RepoDigests 0}}')).split('@')[1]!;
  ok(await berthCli(b, ['rmi', `${F}/bb:1`]), 'rmi');
  const pull = await berthCli(b, ['pull', `${F}/bb@${digest}`]);
  ok(pull, 'pull by digest');
  assert.match(pull.stdout, new RegExp(`^${digest}: Pulling from bb$`, 'm'));
  assert.match(pull.stdout, new RegExp(`${F}/bb@${digest}\n$`));
  assert.equal(await inspectField(b, `${F}/bb@${digest}`, '{{json .RepoTags}}'), '[]');
  assert.equal(await inspectField(b, `${F}/bb@${digest}`, '{{json .RepoDigests}}'), JSON.stringify([`${F}/bb@${digest}`]));
  const bad = await berthCli(b, ['pull', `${F}/bb@sha256:${'0'.repeat(64)}`]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /manifest for .*not found: manifest unknown/);
});

test('push -a and pull -a carry every tag; a second repository mounts the blobs', async () => {
  ok(await berthCli(a, ['tag', 'busybox', `${F}/multi:a`]), 'tag a');
  ok(await berthCli(a, ['tag', 'ml2:1', `${F}/multi:b`]), 'tag b');
  const push = await berthCli(a, ['push', '-a', `${F}/multi`]);
  ok(push, 'push -a');
  assert.match(push.stdout, /^a: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  assert.match(push.stdout, /^b: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  assert.match(push.stdout, /: Mounted from (bb|ml|ml2)$/m, push.stdout);
  const pull = await berthCli(b, ['pull', '-a', `${F}/multi`]);
  ok(pull, 'pull -a');
  assert.match(pull.stdout, /^a: Pulling from multi$/m);
  assert.match(pull.stdout, /^b: Pulling from multi$/m);
  assert.match(pull.stdout, new RegExp(`^Status: Downloaded newer image for ${F}/multi\n${F}/multi\n$`, 'm'));
  assert.equal(await inspectField(b, `${F}/multi:a`, '{{.Id}}'), await inspectField(a, 'busybox', '{{.Id}}'));
  assert.equal(await inspectField(b, `${F}/multi:b`, '{{.Id}}'), await inspectField(a, 'ml2:1', '{{.Id}}'));
  const tagged = await berthCli(b, ['pull', '-a', `${F}/multi:a`]);
  assert.notEqual(tagged.code, 0);
  assert.match(tagged.stderr, /tag can't be used with --all-tags\/-a/);
});

test('docker.io pulls go to the configured mirror, with library/ names', async () => {
  ok(await berthCli(a, ['tag', 'busybox', `${F}/library/mirrored:1`]), 'tag');
  ok(await berthCli(a, ['push', `${F}/library/mirrored:1`]), 'push');
  const c = await startDaemon(['--registry-mirror', `http://${F}`]);
  try {
    const pull = await berthCli(c, ['pull', 'mirrored:1']);
    ok(pull, 'pull via mirror');
    assert.match(pull.stdout, /^1: Pulling from library\/mirrored$/m);
    assert.match(pull.stdout, /Status: Downloaded newer image for mirrored:1\ndocker.io\/library\/mirrored:1\n$/);
    assert.equal(await inspectField(c, 'mirrored:1', '{{.Id}}'), await inspectField(a, 'busybox', '{{.Id}}'));
  } finally {
    await destroyDaemon(c);
  }
});
