import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountPointsUnder, unmount } from '../../../src/mount/mount.js';

/** Mounts and overlayfs need root; tests that use them skip otherwise. */
export const notRoot = process.getuid?.() !== 0 ? 'needs root (real mounts)' : false;

/**
 * Runs `fn` with a fresh /tmp/snap-* dir, then unmounts whatever is still mounted below it
 * (deepest first) and deletes it, also when `fn` throws.
 */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'snap-'));
  try {
    return await fn(dir);
  } finally {
    for (const mp of await mountPointsUnder(dir)) await unmount(mp, { detach: true });
    await rm(dir, { recursive: true, force: true });
  }
}
