import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, destroyDaemon, docker, exists, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { dockerArchive, makeTar, sha256 } from '../../helpers/tar-builder.js';

let d: Daemon;
let outside: string;

before(async () => {
  d = await startDaemon();
  outside = await mkdtemp(join(tmpdir(), 'berth-outside-'));
});
after(async () => {
  if (d) await destroyDaemon(d);
  await rm(outside, { recursive: true, force: true });
});

async function assertNothingLeft(): Promise<void> {
  const ids = await docker(d, ['images', '-a', '-q']);
  assert.equal(ids.stdout, '', 'no image listed');
  const snaps = await readdir(join(d.dataRoot, 'snapshots/snapshots')).catch(() => []);
  assert.deepEqual(snaps, [], 'no snapshot left behind');
  assert.deepEqual(await readdir(outside), [], 'nothing written outside the layer root');
}

async function loadFails(archive: Buffer, message: RegExp): Promise<void> {
  const r = await docker(d, ['load'], archive);
  assert.notEqual(r.code, 0, `load should fail: ${r.stdout}`);
  assert.match(r.stderr, message);
  await assertNothingLeft();
}

test('a layer entry climbing out with .. is refused', async () => {
  const layer = await makeTar([{ name: '../../../../../../..' + join(outside, 'pwned'), body: 'x' }]);
  await loadFails(await dockerArchive([layer], { tag: 'evil:1' }), /refusing tar entry .*pwned.*escapes/);
});

test('an absolute entry path is refused', async () => {
  const layer = await makeTar([{ name: join(outside, 'abs'), body: 'x' }]);
  await loadFails(await dockerArchive([layer], { tag: 'evil:2' }), /refusing tar entry/);
});

test('writing through a symlink that points outside is refused', async () => {
  const layer = await makeTar([
    { name: 'evil', type: 'symlink', linkname: outside },
    { name: 'evil/pwned', body: 'x' },
  ]);
  await loadFails(await dockerArchive([layer], { tag: 'evil:3' }), /refusing tar entry "evil\/pwned"/);
});

test('a hardlink to a host file is refused', async () => {
  const layer = await makeTar([{ name: 'passwd', type: 'link', linkname: '/etc/passwd' }]);
  await loadFails(await dockerArchive([layer], { tag: 'evil:4' }), /refusing tar entry "passwd"/);
  const layer2 = await makeTar([{ name: 'passwd', type: 'link', linkname: '../../../../../../../etc/passwd' }]);
  await loadFails(await dockerArchive([layer2], { tag: 'evil:5' }), /refusing tar entry "passwd"/);
});

test('a blob whose content does not match its name is refused', async () => {
  const layer = await makeTar([{ name: 'ok', body: 'fine' }]);
  const wrong = `blobs/sha256/${sha256('something else')}`;
  await loadFails(await dockerArchive([layer], { tag: 'evil:6', blobNames: [wrong] }), /digest mismatch/);
});

test('a layer that does not match the config diff ID is refused', async () => {
  const layer = await makeTar([{ name: 'ok', body: 'fine' }]);
  await loadFails(await dockerArchive([layer], { tag: 'evil:7', diffIds: [`sha256:${sha256('other')}`] }), /diff ID/);
});

test('garbage and archives without a manifest are refused clearly', async () => {
  await loadFails(Buffer.from('this is not a tar file at all, not even close'.repeat(20)), /invalid|tar/i);
  await loadFails(await makeTar([{ name: 'hello.txt', body: 'hi' }]), /neither manifest\.json nor index\.json/);
});

test('a good archive built the same way loads, so the refusals above are about the hostile parts', async () => {
  const layer = await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/hello', body: 'hi\n' }]);
  const r = await docker(d, ['load'], await dockerArchive([layer], { tag: 'good:1' }));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Loaded image: good:1/);
  const rm1 = await berth(d, ['rmi', 'good:1']);
  assert.equal(rm1.code, 0, rm1.stderr);
  assert.equal(await exists(join(outside, 'pwned')), false);
});
