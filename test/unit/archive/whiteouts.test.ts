import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { getAttribute, setAttribute } from 'fs-xattr';
import { applyLayer, packDirectory } from '../../../src/archive/index.js';
import { collect, streamOf, tarOf, tempDir } from './helpers.js';

const layer = () =>
  tarOf([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/.wh.gone', body: '' },
    { name: 'var/', type: 'directory', mode: 0o711 },
    { name: 'var/.wh..wh..opq', body: '' },
    { name: 'var/new', body: 'new' },
    { name: 'var/sub/kept', body: 'kept' },
    { name: '.wh.toplevel', body: '' },
    { name: 'etc/.wh..wh.plnk', body: '' }, // AUFS metadata: ignored
  ]);

async function opaque(dir: string): Promise<string | null> {
  try {
    return (await getAttribute(dir, 'trusted.overlay.opaque')).toString();
  } catch {
    return null;
  }
}

test("overlay mode: whiteouts become 0/0 char devices, opaque dirs get trusted.overlay.opaque=y", async () => {
  const { dir, cleanup } = await tempDir('wh');
  try {
    await applyLayer(streamOf(await layer()), dir, { whiteouts: 'overlay' });
    for (const p of ['etc/gone', 'toplevel']) {
      const st = await lstat(join(dir, p));
      assert.ok(st.isCharacterDevice(), p);
      assert.equal(st.rdev, 0);
    }
    assert.equal(await opaque(join(dir, 'var')), 'y');
    assert.equal(await opaque(join(dir, 'etc')), null);
    assert.equal((await lstat(join(dir, 'var'))).mode & 0o7777, 0o711);
    assert.deepEqual((await readdir(join(dir, 'var'))).sort(), ['new', 'sub']);
    assert.deepEqual((await readdir(join(dir, 'etc'))).sort(), ['gone']);
  } finally {
    await cleanup();
  }
});

test('remove mode: whiteouts delete, opaque dirs lose lower content but keep this layer\'s', async () => {
  const { dir, cleanup } = await tempDir('wh');
  try {
    // The "lower layers" of a flat rootfs.
    await mkdir(join(dir, 'etc'));
    await writeFile(join(dir, 'etc/gone'), 'old');
    await writeFile(join(dir, 'etc/stays'), 'old');
    await mkdir(join(dir, 'var/sub/olddir'), { recursive: true });
    await writeFile(join(dir, 'var/old'), 'old');
    await writeFile(join(dir, 'var/sub/oldfile'), 'old');
    await mkdir(join(dir, 'toplevel/deep'), { recursive: true });
    // The opaque marker after some of the layer's own entries must not delete them.
    const late = await tarOf([
      { name: 'var/new', body: 'new' },
      { name: 'var/sub/kept', body: 'kept' },
      { name: 'var/.wh..wh..opq', body: '' },
      { name: 'etc/.wh.gone', body: '' },
      { name: '.wh.toplevel', body: '' },
      { name: '.wh.never-existed', body: '' },
      { name: 'nodir/.wh.x', body: '' },
    ]);
    await applyLayer(streamOf(late), dir, { whiteouts: 'remove' });
    assert.deepEqual((await readdir(dir)).sort(), ['etc', 'var']);
    assert.deepEqual(await readdir(join(dir, 'etc')), ['stays']);
    assert.deepEqual((await readdir(join(dir, 'var'))).sort(), ['new', 'sub']);
    assert.deepEqual(await readdir(join(dir, 'var/sub')), ['kept']);
    assert.equal(await opaque(join(dir, 'var')), null);
  } finally {
    await cleanup();
  }
});

test('overlay-to-oci packing turns overlay whiteouts back into .wh. entries', async () => {
  const { dir, cleanup } = await tempDir('wh');
  try {
    const upper = join(dir, 'upper');
    await mkdir(join(upper, 'etc'), { recursive: true });
    execFileSync('mknod', [join(upper, 'etc/gone'), 'c', '0', '0']);
    execFileSync('mknod', [join(upper, 'null'), 'c', '1', '3']); // a real device stays a device
    await mkdir(join(upper, 'var'));
    await setAttribute(join(upper, 'var'), 'trusted.overlay.opaque', 'y');
    await setAttribute(join(upper, 'var'), 'trusted.overlay.origin', Buffer.from([0, 1, 2]));
    await setAttribute(join(upper, 'var'), 'user.keep', 'me');
    await writeFile(join(upper, 'var/new'), 'new');

    const tar = await collect(packDirectory(upper, { whiteouts: 'overlay-to-oci' }));
    const listing = execFileSync('tar', ['-tvf', '-'], { input: tar }).toString();
    assert.deepEqual(
      execFileSync('tar', ['-tf', '-'], { input: tar }).toString().trim().split('\n'),
      ['etc/', 'etc/.wh.gone', 'null', 'var/', 'var/.wh..wh..opq', 'var/new'],
    );
    assert.match(listing, /^c.* 1,3 .* null$/m);
    const xattrs = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-tvvf', '-'], { input: tar }).toString();
    assert.match(xattrs, /user\.keep/);
    assert.doesNotMatch(xattrs, /trusted\.overlay/);

    // And back: the same layer applied to a fresh upper dir recreates the overlay form.
    const again = join(dir, 'again');
    await mkdir(again);
    await applyLayer(streamOf(tar), again);
    assert.ok((await lstat(join(again, 'etc/gone'))).isCharacterDevice());
    assert.equal(await opaque(join(again, 'var')), 'y');
    assert.equal((await getAttribute(join(again, 'var'), 'user.keep')).toString(), 'me');
  } finally {
    await cleanup();
  }
});

test('without overlay-to-oci a 0/0 char device is packed as a device', async () => {
  const { dir, cleanup } = await tempDir('wh');
  try {
    execFileSync('mknod', [join(dir, 'wh'), 'c', '0', '0']);
    const tar = await collect(packDirectory(dir));
    assert.match(execFileSync('tar', ['-tvf', '-'], { input: tar }).toString(), /^c.* 0,0 .* wh$/m);
  } finally {
    await cleanup();
  }
});

test('a layer cannot smuggle trusted.overlay.* xattrs into an upper dir', async () => {
  const { dir, cleanup } = await tempDir('wh');
  try {
    const tar = await tarOf([
      { name: 'd/', type: 'directory', pax: { 'SCHILY.xattr.trusted.overlay.redirect': '/etc', 'SCHILY.xattr.user.ok': '1' } },
    ]);
    await applyLayer(streamOf(tar), dir);
    await assert.rejects(getAttribute(join(dir, 'd'), 'trusted.overlay.redirect'));
    assert.equal((await getAttribute(join(dir, 'd'), 'user.ok')).toString(), '1');
  } finally {
    await cleanup();
  }
});
