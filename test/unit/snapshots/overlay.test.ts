import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OverlaySnapshotter } from '../../../src/snapshots/overlay/overlay-snapshotter.js';
import { mountAll, unmount } from '../../../src/mount/mount.js';
import { snapshotterSuite } from './snapshotter-suite.js';
import { notRoot, withTempDir } from './temp.js';

snapshotterSuite('overlay', (root) => OverlaySnapshotter.open(root));

async function commitLayer(sn: OverlaySnapshotter, name: string, parent: string | undefined, files: Record<string, string>) {
  await sn.prepare(`${name}-tmp`, parent);
  for (const [p, c] of Object.entries(files)) await writeFile(join(await sn.upperDir(`${name}-tmp`), p), c);
  await sn.commit(name, `${name}-tmp`);
}

describe('OverlaySnapshotter', { skip: notRoot }, () => {
  it('describes mounts as containerd does', () =>
    withTempDir(async (dir) => {
      const sn = await OverlaySnapshotter.open(join(dir, 'root'));
      const snaps = join(dir, 'root', 'snapshots');
      assert.deepEqual(await sn.prepare('a'), [{ type: 'bind', source: join(snaps, '1', 'fs'), options: ['rw', 'rbind'] }]);
      await sn.commit('l1', 'a');
      assert.deepEqual(await sn.view('v1', 'l1'), [{ type: 'bind', source: join(snaps, '1', 'fs'), options: ['ro', 'rbind'] }]);
      assert.deepEqual(await sn.view('v0'), [{ type: 'bind', source: join(snaps, '3', 'fs'), options: ['ro', 'rbind'] }]);
      assert.deepEqual(await sn.prepare('b', 'l1'), [
        {
          type: 'overlay',
          source: 'overlay',
          options: [`workdir=${join(snaps, '4', 'work')}`, `upperdir=${join(snaps, '4', 'fs')}`, `lowerdir=${join(snaps, '1', 'fs')}`, 'index=off'],
        },
      ]);
      await sn.commit('l2', 'b');
      assert.deepEqual(await sn.view('v2', 'l2'), [
        { type: 'overlay', source: 'overlay', options: [`lowerdir=${join(snaps, '4', 'fs')}:${join(snaps, '1', 'fs')}`, 'index=off'] },
      ]);
      assert.deepEqual(await sn.mounts('v2'), await sn.mounts('v2'));
    }));

  it('a delete in a child shows as a 0/0 character-device whiteout in its upperDir', () =>
    withTempDir(async (dir) => {
      const sn = await OverlaySnapshotter.open(join(dir, 'root'));
      await commitLayer(sn, 'base', undefined, { gone: 'g', kept: 'k' });
      const target = join(dir, 'mnt');
      await mkdir(target);
      await mountAll(await sn.prepare('c', 'base'), target);
      try {
        await rm(join(target, 'gone'));
        assert.deepEqual(await readdir(target), ['kept']);
      } finally {
        await unmount(target);
      }
      const wh = await lstat(join(await sn.upperDir('c'), 'gone'));
      assert.ok(wh.isCharacterDevice());
      assert.equal(wh.rdev, 0);
    }));

  it('open() sweeps dirs that metadata does not record', () =>
    withTempDir(async (dir) => {
      const root = join(dir, 'root');
      let sn = await OverlaySnapshotter.open(root);
      await commitLayer(sn, 'base', undefined, { f: 'x' });
      await sn.prepare('c', 'base');
      const snaps = join(root, 'snapshots');
      // A build interrupted before rename, a dir renamed but never recorded (id = next id),
      // and a removal whose record was dropped before its dir was deleted.
      await mkdir(join(snaps, 'new-xyz', 'fs'), { recursive: true });
      await mkdir(join(snaps, '3', 'fs'), { recursive: true });
      await mkdir(join(snaps, '77', 'fs'), { recursive: true });
      sn = await OverlaySnapshotter.open(root);
      assert.deepEqual((await readdir(snaps)).sort(), ['1', '2']);
      assert.deepEqual((await sn.list()).map((i) => i.name), ['base', 'c']);
      await sn.prepare('d', 'base');
      assert.equal(await sn.upperDir('d'), join(snaps, '3', 'fs'));
      assert.deepEqual(await readdir(join(snaps, '3', 'fs')), []);
    }));

  it('writes metadata.json atomically, leaving no temp files', () =>
    withTempDir(async (dir) => {
      const root = join(dir, 'root');
      const sn = await OverlaySnapshotter.open(root);
      await sn.prepare('a', undefined, { labels: { x: 'y' } });
      assert.deepEqual(await readdir(root), ['metadata.json', 'snapshots']);
      const md = JSON.parse(await readFile(join(root, 'metadata.json'), 'utf8')) as { nextId: number };
      assert.equal(md.nextId, 2);
    }));

  it('refuses a root whose path would break overlay options', async () => {
    await assert.rejects(OverlaySnapshotter.open('/tmp/snap-bad:root'), { code: 'INVALID_ARGUMENT' });
  });

  it('mounts 40 layers under a root path long enough to pass the one-page option limit', () =>
    withTempDir(async (dir) => {
      const root = join(dir, 'r'.repeat(120), 'o'.repeat(120));
      const sn = await OverlaySnapshotter.open(root);
      let parent: string | undefined;
      for (let i = 0; i < 40; i++) {
        await commitLayer(sn, `l${i}`, parent, { [`f${i}`]: String(i) });
        parent = `l${i}`;
      }
      const mounts = await sn.prepare('c', parent);
      assert.ok(mounts[0]!.options.join(',').length > 4096, 'absolute options exceed a page');
      const target = join(dir, 'mnt');
      await mkdir(target);
      await mountAll(mounts, target);
      try {
        assert.equal((await readdir(target)).length, 40);
        assert.equal(await readFile(join(target, 'f0'), 'utf8'), '0');
        await writeFile(join(target, 'new'), 'n');
      } finally {
        await unmount(target);
      }
      assert.equal(await readFile(join(await sn.upperDir('c'), 'new'), 'utf8'), 'n');
    }));
});
