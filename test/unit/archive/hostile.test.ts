import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyLayer } from '../../../src/archive/index.js';
import { streamOf, tarOf, tempDir, type TestEntry } from './helpers.js';

/**
 * Each case gets base/{root,outside}; outside/secret must come through untouched and
 * nothing new may appear in outside/. The error must be InvalidArgument naming the entry.
 * Every case runs twice: checking every path afresh, and in exclusive mode (directories
 * checked once are remembered), whose memory must not outlive a replaced directory.
 */
async function refuses(
  entries: (outside: string) => TestEntry[],
  badEntry: string,
  why: RegExp,
  opts: { whiteouts?: 'overlay' | 'remove'; prepare?: (root: string, outside: string) => Promise<void> } = {},
): Promise<void> {
  await refusesIn(entries, badEntry, why, { ...opts, exclusive: false });
  await refusesIn(entries, badEntry, why, { ...opts, exclusive: true });
}

async function refusesIn(
  entries: (outside: string) => TestEntry[],
  badEntry: string,
  why: RegExp,
  opts: { whiteouts?: 'overlay' | 'remove'; exclusive: boolean; prepare?: (root: string, outside: string) => Promise<void> },
): Promise<void> {
  const { dir, cleanup } = await tempDir('hostile');
  try {
    const root = join(dir, 'root');
    const outside = join(dir, 'outside');
    await mkdir(root);
    await mkdir(outside);
    await writeFile(join(outside, 'secret'), 'secret\n');
    await opts.prepare?.(root, outside);
    const layer = await tarOf(entries(outside));
    await assert.rejects(applyLayer(streamOf(layer), root, { whiteouts: opts.whiteouts, exclusive: opts.exclusive }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'INVALID_ARGUMENT', err.message);
      assert.ok(err.message.startsWith(`refusing tar entry ${JSON.stringify(badEntry)}: `), err.message);
      assert.match(err.message, why);
      return true;
    });
    assert.deepEqual(await readdir(outside), ['secret']);
    assert.equal(await readFile(join(outside, 'secret'), 'utf8'), 'secret\n');
    assert.equal((await stat(join(outside, 'secret'))).nlink, 1);
    assert.deepEqual(await readdir(dir), ['outside', 'root']);
  } finally {
    await cleanup();
  }
}

test('refuses ../ escapes', () => refuses(() => [{ name: '../outside/pwned', body: 'x' }], '../outside/pwned', /escapes the layer root/));

test('refuses a/../../ escapes', () =>
  refuses(() => [{ name: 'a/', type: 'directory' }, { name: 'a/../../outside/pwned', body: 'x' }], 'a/../../outside/pwned', /escapes the layer root/));

test('refuses absolute paths', () => refuses(() => [{ name: '/abs/path', body: 'x' }], '/abs/path', /absolute paths are not allowed/));

test('refuses absolute paths that would land outside', () =>
  refuses(() => [{ name: '/../outside/pwned', body: 'x' }], '/../outside/pwned', /absolute paths are not allowed/));

test('refuses a NUL in the name', () => refuses(() => [{ name: 'a\0b', body: 'x', pax: {} }], 'a\0b', /NUL/));

test('refuses writing through a symlink to an absolute dir', () =>
  refuses((o) => [{ name: 'evil', type: 'symlink', linkname: o }, { name: 'evil/pwned', body: 'x' }], 'evil/pwned', /through the symlink "evil"/));

test('refuses writing through a symlink to ..', () =>
  refuses(() => [{ name: 'evil', type: 'symlink', linkname: '..' }, { name: 'evil/outside/pwned', body: 'x' }], 'evil/outside/pwned', /through the symlink "evil"/));

test('refuses a directory entry through a symlink', () =>
  refuses((o) => [{ name: 'evil', type: 'symlink', linkname: o }, { name: 'evil/sub/', type: 'directory' }], 'evil/sub/', /through the symlink/));

test('refuses writing through a symlink already in the root (lower layer)', () =>
  refuses(() => [{ name: 'lib/pwned', body: 'x' }], 'lib/pwned', /through the symlink "lib"/, {
    whiteouts: 'remove',
    prepare: (root, outside) => symlink(outside, join(root, 'lib')),
  }));

test('refuses a hardlink to ../', () =>
  refuses(() => [{ name: 'x', type: 'link', linkname: '../outside/secret' }], 'x', /hardlink target "..\/outside\/secret"/));

test('refuses a hardlink to a deeper ../../ escape', () =>
  refuses(() => [{ name: 'x', type: 'link', linkname: '../../etc/passwd' }], 'x', /hardlink target/));

test('refuses a hardlink to an absolute path', () =>
  refuses(() => [{ name: 'x', type: 'link', linkname: '/etc/passwd' }], 'x', /hardlink target "\/etc\/passwd"/));

test('refuses a hardlink through a symlinked dir', () =>
  refuses(
    (o) => [{ name: 'sd', type: 'symlink', linkname: o }, { name: 'x', type: 'link', linkname: 'sd/secret' }],
    'x',
    /hardlink target "sd\/secret" goes through the symlink "sd"/,
  ));

test('refuses a whiteout through a symlink (flat rootfs)', () =>
  refuses((o) => [{ name: 'evil', type: 'symlink', linkname: o }, { name: 'evil/.wh.secret', body: '' }], 'evil/.wh.secret', /through the symlink/, {
    whiteouts: 'remove',
  }));

test('refuses an opaque whiteout through a symlink (flat rootfs)', () =>
  refuses((o) => [{ name: 'evil', type: 'symlink', linkname: o }, { name: 'evil/.wh..wh..opq', body: '' }], 'evil/.wh..wh..opq', /through the symlink/, {
    whiteouts: 'remove',
  }));

test('refuses a whiteout through a symlink (overlay)', () =>
  refuses((o) => [{ name: 'evil', type: 'symlink', linkname: o }, { name: 'evil/.wh.secret', body: '' }], 'evil/.wh.secret', /through the symlink/));

test('refuses a whiteout of ..', () => refuses(() => [{ name: 'd/.wh...', body: '' }], 'd/.wh...', /malformed whiteout/, { whiteouts: 'remove' }));

test('refuses writing through a symlink that replaced a directory written earlier', () =>
  refuses(
    (o) => [
      { name: 'a/', type: 'directory' },
      { name: 'a/f', body: 'x' },
      { name: 'a', type: 'symlink', linkname: o },
      { name: 'a/pwned', body: 'x' },
    ],
    'a/pwned',
    /through the symlink "a"/,
  ));

test('refuses a hardlink through a symlink that replaced a directory written earlier', () =>
  refuses(
    (o) => [
      { name: 'a/b/', type: 'directory' },
      { name: 'a/b/f', body: 'x' },
      { name: 'a/b', type: 'symlink', linkname: o },
      { name: 'x', type: 'link', linkname: 'a/b/secret' },
    ],
    'x',
    /through the symlink "a\/b"/,
  ));

test('refuses writing below a directory a whiteout replaced (overlay)', () =>
  refuses(
    () => [
      { name: 'a/b/', type: 'directory' },
      { name: 'a/b/f', body: 'x' },
      { name: 'a/.wh.b', body: '' },
      { name: 'a/b/g', body: 'x' },
    ],
    'a/b/g',
    /parent "a\/b" is not a directory/,
  ));

test('a file entry replaces a symlink instead of writing through it', async () => {
  const { dir, cleanup } = await tempDir('hostile');
  try {
    const root = join(dir, 'root');
    await mkdir(root);
    await writeFile(join(dir, 'secret'), 'secret\n');
    const layer = await tarOf([
      { name: 'f', type: 'symlink', linkname: join(dir, 'secret') },
      { name: 'f', body: 'replaced' },
    ]);
    await applyLayer(streamOf(layer), root);
    assert.equal(await readFile(join(dir, 'secret'), 'utf8'), 'secret\n');
    assert.ok((await lstat(join(root, 'f'))).isFile());
    assert.equal(await readFile(join(root, 'f'), 'utf8'), 'replaced');
  } finally {
    await cleanup();
  }
});

test('symlinks may point anywhere; they are created, not followed', async () => {
  const { dir, cleanup } = await tempDir('hostile');
  try {
    const layer = await tarOf([
      { name: 'abs', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'up', type: 'symlink', linkname: '../../..' },
    ]);
    await applyLayer(streamOf(layer), dir);
    assert.equal(await readlink(join(dir, 'abs')), '/etc/passwd');
    assert.equal(await readlink(join(dir, 'up')), '../../..');
  } finally {
    await cleanup();
  }
});

test('unsupported entry types are refused', async () => {
  const { dir, cleanup } = await tempDir('hostile');
  try {
    const layer = await tarOf([{ name: 'ok', body: 'x' }]);
    // Rewrite the typeflag to 'S' (GNU sparse), then fix the header checksum.
    layer[156] = 'S'.charCodeAt(0);
    layer.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += layer[i]!;
    layer.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    await assert.rejects(applyLayer(streamOf(layer), dir), /refusing tar entry "ok": unsupported entry type/);
  } finally {
    await cleanup();
  }
});
