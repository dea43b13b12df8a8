import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, link, lutimes, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { setAttribute } from 'fs-xattr';
import { applyLayer, packDirectory } from '../../../src/archive/index.js';
import { collect, streamOf, tarOf, tempDir } from './helpers.js';
import { describeTree } from './tree.js';

const T1 = new Date('2021-03-04T05:06:07Z');
const T2 = new Date('2019-01-02T03:04:05Z');
// A VFS capability blob (cap_net_raw+ep): binary, not valid UTF-8.
const CAP = Buffer.from('AQAAAgAgAAAAAAAAAAAAAAAAAAA=', 'base64');
const LONG = `${'long-dir-name-'.repeat(6)}/ünïcödé-${'x'.repeat(90)}.txt`;

async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, 'etc/sub'), { recursive: true });
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
  await chmod(join(root, 'etc/passwd'), 0o640);
  await chown(join(root, 'etc/passwd'), 1000, 1001);
  await writeFile(join(root, 'etc/sub/empty'), '');
  await writeFile(join(root, 'ping'), Buffer.alloc(70_000, 7));
  await chmod(join(root, 'ping'), 0o4755);
  await setAttribute(join(root, 'ping'), 'security.capability', CAP);
  await setAttribute(join(root, 'ping'), 'user.note', 'hello');
  await mkdir(join(root, 'tmp'));
  await chmod(join(root, 'tmp'), 0o1777);
  await setAttribute(join(root, 'tmp'), 'trusted.test', 'dir-xattr');
  await symlink('/etc/passwd', join(root, 'abs-link'));
  await symlink('etc/sub', join(root, 'rel-link'));
  await link(join(root, 'etc/passwd'), join(root, 'hard'));
  await mkdir(join(root, LONG.split('/')[0]!));
  await writeFile(join(root, LONG), 'long name');
  execFileSync('mknod', [join(root, 'null'), 'c', '1', '3']);
  execFileSync('mknod', [join(root, 'loop9'), 'b', '7', '9']);
  execFileSync('mknod', [join(root, 'pipe'), 'p']);
  await lutimes(join(root, 'abs-link'), T2, T2);
  for (const p of ['etc/passwd', 'ping', 'null', 'pipe', LONG]) await utimes(join(root, p), T1, T1);
  // Directories last, since creating entries changes them.
  for (const p of ['etc/sub', 'etc', 'tmp', LONG.split('/')[0]!]) await utimes(join(root, p), T2, T2);
}

test('pack then apply keeps content, modes, owners, times, links, devices and xattrs', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    await mkdir(src);
    await mkdir(dst);
    await makeTree(src);
    const tar = await collect(packDirectory(src));
    const res = await applyLayer(streamOf(tar), dst);
    assert.equal(res.size, tar.length);
    assert.equal(res.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    assert.deepEqual(await describeTree(dst), await describeTree(src));
    assert.equal(Buffer.compare(await collect(packDirectory(dst)), tar), 0, 'repacking gives the same bytes');
  } finally {
    await cleanup();
  }
});

test('packDirectory is deterministic, sorted and readable by GNU tar', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    await makeTree(dir);
    const a = await collect(packDirectory(dir));
    const b = await collect(packDirectory(dir));
    assert.equal(Buffer.compare(a, b), 0);
    const listing = execFileSync('tar', ['-tf', '-'], { input: a }).toString().trim().split('\n');
    assert.deepEqual(listing.slice(0, 6), ['abs-link', 'etc/', 'etc/passwd', 'etc/sub/', 'etc/sub/empty', 'hard']);
    assert.ok(listing.includes(LONG));
    const verbose = execFileSync('tar', ['-tvf', '-'], { input: a }).toString();
    assert.match(verbose, /hard link to etc\/passwd/);
  } finally {
    await cleanup();
  }
});

test('include filters paths and whole subtrees', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    await makeTree(dir);
    const tar = await collect(packDirectory(dir, { include: (p) => p !== 'etc' && p !== 'ping' }));
    const names = execFileSync('tar', ['-tf', '-'], { input: tar }).toString().trim().split('\n');
    assert.ok(!names.some((n) => n.startsWith('etc') || n === 'ping'));
    // etc/passwd was left out, so 'hard' is the first path of that inode: a regular file.
    assert.match(execFileSync('tar', ['-tvf', '-'], { input: tar }).toString(), /^-rw-r----- 1000\/1001 .* hard$/m);
  } finally {
    await cleanup();
  }
});

test('gzip layers are detected and unpacked; size and diffId are of the uncompressed tar', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    const tar = await tarOf([{ name: 'a/', type: 'directory', mode: 0o750 }, { name: 'a/b.txt', body: 'bee', mode: 0o600, uid: 42, gid: 43 }]);
    const res = await applyLayer(streamOf(gzipSync(tar)), dir);
    assert.equal(res.size, tar.length);
    assert.equal(res.diffId, `sha256:${createHash('sha256').update(tar).digest('hex')}`);
    const tree = await describeTree(dir);
    assert.equal(tree['a']!.mode, 0o750);
    assert.equal(Buffer.from(tree['a/b.txt']!.content!, 'base64').toString(), 'bee');
    assert.deepEqual([tree['a/b.txt']!.mode, tree['a/b.txt']!.uid, tree['a/b.txt']!.gid], [0o600, 42, 43]);
  } finally {
    await cleanup();
  }
});

test('applies archives written by GNU tar, including xattrs and a ./ prefix', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    await mkdir(src);
    await mkdir(dst);
    await makeTree(src);
    const tar = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '--format=pax', '-C', src, '-cf', '-', '.'], { maxBuffer: 1 << 26 });
    await applyLayer(streamOf(tar), dst);
    const got = await describeTree(dst);
    const want = await describeTree(src);
    // GNU tar writes pax atime/ctime records too; only compare what layers carry.
    assert.deepEqual(got, want);
  } finally {
    await cleanup();
  }
});

test('an entry replaces what is there; a dir over a dir is kept and updated', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    await mkdir(join(dir, 'keep'));
    await writeFile(join(dir, 'keep/old'), 'old');
    await mkdir(join(dir, 'was-dir/deep'), { recursive: true });
    await writeFile(join(dir, 'was-file'), 'file');
    const layer = await tarOf([
      { name: 'keep/', type: 'directory', mode: 0o700, uid: 5 },
      { name: 'was-dir', body: 'now a file' },
      { name: 'was-file/', type: 'directory' },
      { name: 'was-file/x', body: 'x' },
    ]);
    await applyLayer(streamOf(layer), dir);
    const tree = await describeTree(dir);
    assert.equal(tree['keep/old']!.kind, 'file');
    assert.deepEqual([tree['keep']!.mode, tree['keep']!.uid], [0o700, 5]);
    assert.equal(tree['was-dir']!.kind, 'file');
    assert.equal(tree['was-file']!.kind, 'dir');
    assert.equal(tree['was-file/x']!.kind, 'file');
  } finally {
    await cleanup();
  }
});

test('missing parents are created; hardlinks need an existing target', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    const layer = await tarOf([{ name: 'a/b/c', body: 'deep' }, { name: 'l', type: 'link', linkname: 'a/b/c' }]);
    await applyLayer(streamOf(layer), dir);
    const tree = await describeTree(dir);
    assert.equal(tree['a']!.mode, 0o755);
    assert.deepEqual(tree['l']!.links, ['a/b/c', 'l']);
    const bad = await tarOf([{ name: 'm', type: 'link', linkname: 'nope' }]);
    await assert.rejects(applyLayer(streamOf(bad), dir), /refusing tar entry "m": hardlink target "nope" does not exist/);
  } finally {
    await cleanup();
  }
});

test('an aborted or broken stream rejects and destroys the source', async () => {
  const { dir, cleanup } = await tempDir('rt');
  try {
    const tar = await tarOf([{ name: 'a', body: 'x'.repeat(10_000) }]);
    const truncated = streamOf(tar.subarray(0, 1000));
    await assert.rejects(applyLayer(truncated, dir), { code: 'INVALID_ARGUMENT', message: /invalid layer tar: Unexpected end of data/ });
    assert.ok(truncated.destroyed);
    await assert.rejects(applyLayer(streamOf(Buffer.alloc(2048, 1)), dir), { code: 'INVALID_ARGUMENT', message: /invalid layer tar: Invalid tar header/ });
    const badGzip = gzipSync(tar).subarray(0, 100);
    await assert.rejects(applyLayer(streamOf(badGzip), dir), { code: 'INVALID_ARGUMENT', message: /invalid gzip data in layer/ });

    const ac = new AbortController();
    const endless = new Readable({ read() {} });
    endless.push(tar.subarray(0, 1024));
    const p = applyLayer(endless, dir, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p, { name: 'AbortError' });
    assert.ok(endless.destroyed);
  } finally {
    await cleanup();
  }
});
