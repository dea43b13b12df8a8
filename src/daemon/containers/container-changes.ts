import { join } from 'node:path';
import { lstat, readdir } from 'node:fs/promises';
import { overlayChanges, type FsChange } from '../../archive/overlay-changes.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';

/**
 * Files runc creates as mount points when the image lacks them (Docker keeps these in a
 * hidden "init" layer). They are bookkeeping, not the user's changes: diff and commit
 * leave them out while they are still the empty placeholders runc made.
 */
const MOUNT_POINT_FILES = ['etc/hostname', 'etc/hosts', 'etc/resolv.conf', '.dockerenv', 'etc/mtab'];
const MOUNT_POINT_DIRS = ['dev', 'proc', 'sys'];

/** Relative paths in the container's upper dir that are only runc's mount-point placeholders. */
export async function mountPointArtifacts(upper: string, lowers: readonly string[], c: ContainerRecord): Promise<Set<string>> {
  const out = new Set<string>();
  const tmpfs = Object.keys(c.HostConfig.Tmpfs ?? {}).map((p) => p.replace(/^\/+|\/+$/g, ''));
  const candidates: Array<[string, 'file' | 'dir']> = [
    ...MOUNT_POINT_FILES.map((p) => [p, 'file'] as [string, 'file']),
    ...[...MOUNT_POINT_DIRS, ...tmpfs].filter(Boolean).map((p) => [p, 'dir'] as [string, 'dir']),
  ];
  for (const [rel, kind] of candidates) {
    const st = await lstat(join(upper, rel)).catch(() => null);
    if (st === null) continue;
    const placeholder = kind === 'file' ? st.isFile() && st.size === 0 : st.isDirectory() && (await readdir(join(upper, rel))).length === 0;
    if (!placeholder) continue;
    let below = false;
    for (const l of lowers) if (await lstat(join(l, rel)).then(() => true, () => false)) below = true;
    if (!below) out.add(rel);
  }
  return out;
}

/** GET /containers/{id}/changes: the upper dir exists whether or not the container runs. */
export async function containerChanges(ctx: DaemonContext, ref: string): Promise<FsChange[]> {
  const c = ctx.containers.store.get(ref);
  const upper = await ctx.images.snapshots.upperDir(c.SnapshotKey);
  const lowers = await ctx.images.snapshots.lowerDirs(c.SnapshotKey);
  return overlayChanges(upper, lowers, { ignore: await mountPointArtifacts(upper, lowers, c) });
}
