import { randomBytes } from 'node:crypto';
import { join, posix } from 'node:path';
import type { DaemonContext } from '../../context.js';
import type { ContainerRecord } from '../container-record.js';
import type { MountPointRecord } from './parse-mounts.js';

/** A container's file tree as its processes see it: the rootfs with binds and volumes over it. */
export interface MountedView {
  /** Host path of `rel` (relative to the container's root), inside whichever mount covers it. */
  locate(rel: string): string;
  /** The bind or volume `rel` lies in, if any. */
  mountOf(rel: string): MountPointRecord | undefined;
  /** Idempotent. */
  release(): Promise<void>;
}

/**
 * For `cp`: paths inside a container's binds and volumes are redirected to their host
 * sources (Docker mounts them into the rootfs for the copy; redirecting needs no mounts
 * and keeps volume data out of export/commit/diff, which share the rootfs mount). Volumes
 * are acquired for the view's lifetime, so a tmpfs or device volume of a stopped
 * container is mounted while it is copied to or from. tmpfs mounts are not reachable.
 */
export async function mountedView(ctx: DaemonContext, c: ContainerRecord, root: string): Promise<MountedView> {
  const mounts = (c.MountPoints ?? []).filter((m) => m.Type !== 'tmpfs').sort((a, b) => b.Destination.length - a.Destination.length);
  const holder = `cp-${randomBytes(6).toString('hex')}`;
  const held: string[] = [];
  const release = async () => {
    for (const name of held.splice(0)) await ctx.volumes.release(name, holder).catch(() => undefined);
  };
  try {
    for (const m of mounts) {
      if (m.Type !== 'volume' || !ctx.volumes.tryGet(m.Name)) continue;
      await ctx.volumes.acquire(m.Name, holder);
      held.push(m.Name);
    }
  } catch (err) {
    await release();
    throw err;
  }
  const mountOf = (rel: string) => {
    const abs = posix.normalize(`/${rel}`);
    return mounts.find((m) => abs === m.Destination || abs.startsWith(`${m.Destination}/`));
  };
  return {
    mountOf,
    locate: (rel) => {
      const m = mountOf(rel);
      if (!m) return join(root, rel);
      return join(m.Source, posix.normalize(`/${rel}`).slice(m.Destination.length));
    },
    release,
  };
}
