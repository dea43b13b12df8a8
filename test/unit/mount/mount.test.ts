import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMountPoint, mountAll, mountPointsUnder, unmount } from '../../../src/mount/mount.js';
import { parseMountInfo } from '../../../src/mount/mountinfo.js';
import { MOUNT_DATA_LIMIT, prepareOverlayOptions } from '../../../src/mount/overlay-options.js';
import { notRoot, withTempDir } from '../snapshots/temp.js';

describe('parseMountInfo', () => {
  it('reads mount points with escaped spaces and optional fields', () => {
    const text =
      '36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n' +
      '37 36 0:5 / /proc rw - proc proc rw\n';
    assert.deepEqual(parseMountInfo(text), [
      { mountId: 36, parentId: 35, mountPoint: '/mnt two', fsType: 'ext3', source: '/dev/root' },
      { mountId: 37, parentId: 36, mountPoint: '/proc', fsType: 'proc', source: 'proc' },
    ]);
  });
});

describe('prepareOverlayOptions', () => {
  const lowers = (root: string, n: number) => Array.from({ length: n }, (_, i) => `${root}/snapshots/${n - i}/fs`);

  it('passes short options through', () => {
    const options = ['upperdir=/u', `lowerdir=${lowers('/r', 3).join(':')}`, 'index=off'];
    assert.deepEqual(prepareOverlayOptions(options), { options });
  });

  it('makes lowerdirs relative to their common dir when the absolute form is over a page', () => {
    const root = '/' + 'x'.repeat(300);
    const out = prepareOverlayOptions(['workdir=/w', 'upperdir=/u', `lowerdir=${lowers(root, 20).join(':')}`, 'index=off']);
    assert.equal(out.cwd, `${root}/snapshots`);
    assert.deepEqual(out.options, ['workdir=/w', 'upperdir=/u', `lowerdir=${Array.from({ length: 20 }, (_, i) => `${20 - i}/fs`).join(':')}`, 'index=off']);
  });

  it('throws InvalidArgument when even the relative form is over a page', () => {
    const options = [`lowerdir=${lowers('/r', 1000).join(':')}`];
    assert.ok(options[0]!.length > MOUNT_DATA_LIMIT);
    assert.throws(() => prepareOverlayOptions(options), { code: 'INVALID_ARGUMENT', message: /1000 lower layers/ });
  });
});

describe('mountAll / unmount', { skip: notRoot }, () => {
  it('bind-mounts read-only, reports the mount point, and unmounts idempotently', () =>
    withTempDir(async (dir) => {
      const src = join(dir, 'src');
      const target = join(dir, 'target');
      await mkdir(src);
      await mkdir(target);
      await writeFile(join(src, 'f'), 'x');
      assert.equal(await isMountPoint(target), false);
      await mountAll([{ type: 'bind', source: src, options: ['ro', 'rbind'] }], target);
      assert.equal(await isMountPoint(target), true);
      assert.deepEqual(await mountPointsUnder(dir), [target]);
      assert.deepEqual(await readdir(target), ['f']);
      await assert.rejects(writeFile(join(target, 'g'), 'y'), { code: 'EROFS' });
      await unmount(target);
      assert.equal(await isMountPoint(target), false);
      await unmount(target);
      await unmount(join(dir, 'does-not-exist'));
    }));

  it('unmount peels off stacked mounts; detach works', () =>
    withTempDir(async (dir) => {
      const target = join(dir, 't');
      await mkdir(target);
      const tmpfs = { type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] };
      await mountAll([tmpfs, tmpfs, tmpfs], target);
      assert.equal((await mountPointsUnder(target)).length, 1, 'one mount point, three mounts');
      await unmount(target);
      assert.equal(await isMountPoint(target), false);
      await mountAll([tmpfs], target);
      await unmount(target, { detach: true });
      assert.equal(await isMountPoint(target), false);
    }));

  it('a failed mount is Internal with mount stderr, and undoes earlier mounts', () =>
    withTempDir(async (dir) => {
      const target = join(dir, 't');
      await mkdir(target);
      await assert.rejects(
        mountAll(
          [
            { type: 'tmpfs', source: 'tmpfs', options: [] },
            { type: 'bind', source: join(dir, 'missing'), options: ['rbind'] },
          ],
          target,
        ),
        (err: Error & { code?: string }) => err.code === 'INTERNAL' && /missing/.test(err.message),
      );
      assert.equal(await isMountPoint(target), false);
    }));
});
