import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { link, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshotter } from '../../../src/core/snapshots.js';
import { mountAll, unmount } from '../../../src/mount/mount.js';
import { notRoot, withTempDir } from './temp.js';

/** Opens a snapshotter on `root`; called again on the same root to check persistence. */
export type SnapshotterFactory = (root: string) => Promise<Snapshotter>;

interface Ctx {
  sn: Snapshotter;
  root: string;
  /** A fresh empty directory to mount on. */
  target(name?: string): Promise<string>;
}

function withSnapshotter(factory: SnapshotterFactory, fn: (ctx: Ctx) => Promise<void>): () => Promise<void> {
  return () =>
    withTempDir(async (dir) => {
      const root = join(dir, 'root');
      const sn = await factory(root);
      let n = 0;
      const target = async (name = `mnt${n++}`) => {
        const p = join(dir, name);
        await mkdir(p);
        return p;
      };
      await fn({ sn, root, target });
    });
}

/** Makes committed `name` on `parent` holding `files` (path -> content). */
async function layer(sn: Snapshotter, name: string, parent: string | undefined, files: Record<string, string>): Promise<void> {
  const key = `${name}-active`;
  await sn.prepare(key, parent);
  const upper = await sn.upperDir(key);
  for (const [p, content] of Object.entries(files)) {
    await mkdir(join(upper, p, '..'), { recursive: true });
    await writeFile(join(upper, p), content);
  }
  await sn.commit(name, key);
}

/** Mounts `key`'s mounts, runs `fn` on the mounted tree, always unmounts. */
async function mounted<T>(ctx: Ctx, key: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await ctx.target();
  await mountAll(await ctx.sn.mounts(key), dir);
  try {
    return await fn(dir);
  } finally {
    await unmount(dir);
  }
}

/**
 * The Snapshotter contract, run against any implementation (STYLE habit 14). Uses real
 * mounts through `mount/`, so it needs root.
 */
export function snapshotterSuite(name: string, factory: SnapshotterFactory): void {
  const test = (title: string, fn: (ctx: Ctx) => Promise<void>) => it(title, withSnapshotter(factory, fn));

  describe(`Snapshotter conformance: ${name}`, { skip: notRoot }, () => {
    test('prepare, write into upperDir, commit: kinds, parent and labels are recorded', async ({ sn }) => {
      await sn.prepare('base-active', undefined, { labels: { a: '1' } });
      assert.equal((await sn.stat('base-active')).kind, 'active');
      assert.deepEqual((await sn.stat('base-active')).labels, { a: '1' });
      await writeFile(join(await sn.upperDir('base-active'), 'hello'), 'world');
      await sn.commit('base', 'base-active', { labels: { b: '2' } });

      await assert.rejects(sn.stat('base-active'), { code: 'NOT_FOUND' });
      const info = await sn.stat('base');
      assert.equal(info.kind, 'committed');
      assert.equal(info.parent, undefined);
      assert.deepEqual(info.labels, { b: '2' });
      assert.ok(!Number.isNaN(Date.parse(info.created)));

      await sn.prepare('child', 'base');
      assert.equal((await sn.stat('child')).parent, 'base');
      assert.deepEqual((await sn.list()).map((i) => [i.name, i.kind]), [['base', 'committed'], ['child', 'active']]);
    });

    test('an active child mounts its parents, and its writes and deletes stay in its own layer', async (ctx) => {
      const { sn } = ctx;
      await layer(sn, 'base', undefined, { 'etc/os': 'base', 'keep': 'k', 'gone': 'g' });
      await sn.prepare('c1', 'base');
      await mounted(ctx, 'c1', async (dir) => {
        assert.equal(await readFile(join(dir, 'etc/os'), 'utf8'), 'base');
        await writeFile(join(dir, 'new'), 'n');
        await writeFile(join(dir, 'etc/os'), 'changed');
        await rm(join(dir, 'gone'));
      });
      assert.equal(await readFile(join(await sn.upperDir('base'), 'etc/os'), 'utf8'), 'base', 'parent untouched');
      assert.equal(await readFile(join(await sn.upperDir('base'), 'gone'), 'utf8'), 'g', 'parent untouched');
      assert.equal(await readFile(join(await sn.upperDir('c1'), 'new'), 'utf8'), 'n');

      await sn.commit('l2', 'c1');
      await sn.view('v', 'l2');
      await mounted(ctx, 'v', async (dir) => {
        assert.deepEqual((await readdir(dir)).sort(), ['etc', 'keep', 'new']);
        assert.equal(await readFile(join(dir, 'etc/os'), 'utf8'), 'changed');
      });
    });

    test('an active snapshot without parent mounts its own empty writable dir', async (ctx) => {
      await ctx.sn.prepare('solo');
      await mounted(ctx, 'solo', async (dir) => {
        assert.deepEqual(await readdir(dir), []);
        await writeFile(join(dir, 'f'), 'x');
      });
      assert.equal(await readFile(join(await ctx.sn.upperDir('solo'), 'f'), 'utf8'), 'x');
    });

    test('views are read-only, with one parent or several', async (ctx) => {
      const { sn } = ctx;
      await layer(sn, 'l1', undefined, { a: '1' });
      await layer(sn, 'l2', 'l1', { b: '2' });
      await sn.view('v1', 'l1');
      await sn.view('v2', 'l2');
      assert.equal((await sn.stat('v2')).kind, 'view');
      for (const [key, names] of [['v1', ['a']], ['v2', ['a', 'b']]] as const) {
        await mounted(ctx, key, async (dir) => {
          assert.deepEqual((await readdir(dir)).sort(), names);
          await assert.rejects(writeFile(join(dir, 'x'), 'x'), { code: 'EROFS' });
        });
      }
      await assert.rejects(sn.commit('nope', 'v2'), { code: 'FAILED_PRECONDITION' });
    });

    test('errors: duplicates, missing or uncommitted parents, mounts of committed', async ({ sn }) => {
      await layer(sn, 'base', undefined, {});
      await sn.prepare('a', 'base');
      await assert.rejects(sn.prepare('a', 'base'), { code: 'ALREADY_EXISTS' });
      await assert.rejects(sn.prepare('base'), { code: 'ALREADY_EXISTS' });
      await assert.rejects(sn.view('v', 'missing'), { code: 'NOT_FOUND' });
      await assert.rejects(sn.prepare('b', 'missing'), { code: 'NOT_FOUND' });
      await assert.rejects(sn.prepare('b', 'a'), { code: 'INVALID_ARGUMENT' });
      await assert.rejects(sn.commit('base', 'a'), { code: 'ALREADY_EXISTS' });
      await assert.rejects(sn.commit('x', 'missing'), { code: 'NOT_FOUND' });
      await assert.rejects(sn.mounts('base'), { code: 'FAILED_PRECONDITION' });
      await assert.rejects(sn.mounts('missing'), { code: 'NOT_FOUND' });
      await assert.rejects(sn.stat('missing'), { code: 'NOT_FOUND' });
      await assert.rejects(sn.usage('missing'), { code: 'NOT_FOUND' });
      await assert.rejects(sn.upperDir('missing'), { code: 'NOT_FOUND' });
      await assert.rejects(sn.prepare(''), { code: 'INVALID_ARGUMENT' });
      assert.deepEqual((await sn.list()).map((i) => i.name), ['base', 'a'], 'failed calls leave nothing behind');
    });

    test('remove refuses parents, then removes children and parents in turn', async ({ sn }) => {
      await layer(sn, 'base', undefined, { f: 'x' });
      await sn.prepare('c', 'base');
      await sn.view('v', 'base');
      await assert.rejects(sn.remove('base'), { code: 'FAILED_PRECONDITION' });
      await sn.remove('c');
      await assert.rejects(sn.remove('base'), { code: 'FAILED_PRECONDITION' });
      await sn.remove('v');
      const dir = await sn.upperDir('base');
      await sn.remove('base');
      await assert.rejects(readdir(dir), { code: 'ENOENT' });
      await assert.rejects(sn.remove('base'), { code: 'NOT_FOUND' });
      assert.deepEqual(await sn.list(), []);
    });

    test('lowerDirs lists the parent chain nearest first', async ({ sn }) => {
      await layer(sn, 'l1', undefined, {});
      await layer(sn, 'l2', 'l1', {});
      await sn.prepare('top', 'l2');
      assert.deepEqual(await sn.lowerDirs('top'), [await sn.upperDir('l2'), await sn.upperDir('l1')]);
      assert.deepEqual(await sn.lowerDirs('l1'), []);
    });

    test('usage counts only the snapshot own layer, hard links once', async ({ sn }) => {
      await layer(sn, 'base', undefined, { big: 'x'.repeat(5000) });
      await sn.prepare('c', 'base');
      assert.deepEqual(await sn.usage('c'), { size: 0, inodes: 1 });
      const upper = await sn.upperDir('c');
      await mkdir(join(upper, 'd'));
      await writeFile(join(upper, 'd/a'), 'x'.repeat(1000));
      await writeFile(join(upper, 'b'), 'x'.repeat(24));
      await link(join(upper, 'b'), join(upper, 'b-link'));
      assert.deepEqual(await sn.usage('c'), { size: 1024, inodes: 4 });
      assert.deepEqual(await sn.usage('base'), { size: 5000, inodes: 2 });
    });

    test('a chain of 30 layers mounts, upper layers winning', async (ctx) => {
      const { sn } = ctx;
      let parent: string | undefined;
      for (let i = 0; i < 30; i++) {
        await layer(sn, `l${i}`, parent, { [`layer-${i}`]: String(i), top: String(i) });
        parent = `l${i}`;
      }
      await sn.prepare('c', parent);
      assert.equal((await sn.lowerDirs('c')).length, 30);
      await mounted(ctx, 'c', async (dir) => {
        assert.equal((await readdir(dir)).length, 31);
        assert.equal(await readFile(join(dir, 'top'), 'utf8'), '29');
        assert.equal(await readFile(join(dir, 'layer-0'), 'utf8'), '0');
      });
    });

    test('state survives reopening the same root', async ({ sn, root }) => {
      await layer(sn, 'base', undefined, { f: 'x' });
      await sn.prepare('c', 'base', { labels: { k: 'v' } });
      const again = await factory(root);
      assert.deepEqual(await again.list(), await sn.list());
      assert.equal(await again.upperDir('c'), await sn.upperDir('c'));
      await again.prepare('d', 'base');
      assert.notEqual(await again.upperDir('d'), await again.upperDir('c'));
    });

    test('concurrent prepares all succeed with distinct dirs', async ({ sn }) => {
      await layer(sn, 'base', undefined, {});
      const keys = Array.from({ length: 12 }, (_, i) => `c${i}`);
      await Promise.all(keys.map((k) => sn.prepare(k, 'base')));
      const uppers = await Promise.all(keys.map((k) => sn.upperDir(k)));
      assert.equal(new Set(uppers).size, keys.length);
      assert.equal((await sn.list()).length, keys.length + 1);
      const dup = await Promise.allSettled([sn.prepare('same'), sn.prepare('same')]);
      assert.deepEqual(dup.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    });
  });
}
