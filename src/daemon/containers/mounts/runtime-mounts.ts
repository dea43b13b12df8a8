import { mkdir, stat } from 'node:fs/promises';
import { InvalidArgument } from '../../../core/errors.js';
import type { MountPoint } from '../../../core/wire/volumes.js';
import type { OciMount } from '../../../runtime/spec/index.js';
import type { DaemonContext } from '../../context.js';
import type { ContainerRecord } from '../container-record.js';
import type { MountPointRecord } from './parse-mounts.js';

export interface StartMounts {
  /** Binds and volumes, as OCI bind mounts. */
  mounts: OciMount[];
  /** `--tmpfs` plus `--mount type=tmpfs`: destination → mount options. */
  tmpfs: Record<string, string>;
  /** `rshared`/`rslave` when a bind asks for that propagation (it needs the root to match). */
  rootfsPropagation?: string;
}

function bindOptions(mp: MountPointRecord): string[] {
  return ['rbind', mp.Propagation || 'rprivate', ...(mp.RW ? [] : ['ro'])];
}

/**
 * Makes a container's mount points ready for a start: volumes are acquired for the
 * container (the local driver mounts tmpfs/device volumes on first use), missing `-v`
 * host directories are created as Docker does. On failure, what was acquired is released.
 */
export async function startMounts(ctx: DaemonContext, c: ContainerRecord): Promise<StartMounts> {
  const out: StartMounts = { mounts: [], tmpfs: { ...(c.HostConfig.Tmpfs ?? {}) } };
  try {
    for (const mp of c.MountPoints ?? []) {
      if (mp.Type === 'tmpfs') {
        out.tmpfs[mp.Destination] = mp.TmpfsData ?? '';
        continue;
      }
      let source = mp.Source;
      if (mp.Type === 'volume') source = await ctx.volumes.acquire(mp.Name, c.Id);
      else if (!(await stat(source).catch(() => null))) {
        if (!mp.CreateSource) throw new InvalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
        await mkdir(source, { recursive: true, mode: 0o755 });
      }
      out.mounts.push({ destination: mp.Destination, type: 'bind', source, options: bindOptions(mp) });
      if (mp.Propagation === 'shared' || mp.Propagation === 'rshared') out.rootfsPropagation = 'rshared';
      else if ((mp.Propagation === 'slave' || mp.Propagation === 'rslave') && out.rootfsPropagation !== 'rshared') out.rootfsPropagation = 'rslave';
    }
  } catch (err) {
    await releaseMounts(ctx, c);
    throw err;
  }
  return out;
}

/** The container stopped using its volumes (exit, failed start). Idempotent. */
export async function releaseMounts(ctx: DaemonContext, c: ContainerRecord): Promise<void> {
  for (const mp of c.MountPoints ?? []) {
    if (mp.Type === 'volume' && mp.Name) {
      await ctx.volumes.release(mp.Name, c.Id).catch((err: unknown) => ctx.logger.warn('releasing volume failed', { volume: mp.Name, error: (err as Error).message }));
    }
  }
}

/**
 * Start-up, before live restore: references of every container and holds of those that
 * were running, so a volume a live container uses is neither removed nor unmounted.
 */
export async function restoreVolumeUse(ctx: DaemonContext): Promise<void> {
  for (const c of ctx.containers.store.list()) {
    for (const mp of c.MountPoints ?? []) {
      if (mp.Type !== 'volume' || !ctx.volumes.tryGet(mp.Name)) continue;
      ctx.volumes.addRef(mp.Name, c.Id);
      if (c.State.Running || c.State.Status === 'restarting') {
        await ctx.volumes.acquire(mp.Name, c.Id).catch((err: unknown) => ctx.logger.warn('re-acquiring volume failed', { volume: mp.Name, error: (err as Error).message }));
      }
    }
  }
}

/** `inspect`/`ps` Mounts: Docker's MountPoint, Name and Driver only for volumes. */
export function mountViews(c: ContainerRecord): MountPoint[] {
  return (c.MountPoints ?? []).map((mp) => ({
    Type: mp.Type,
    ...(mp.Type === 'volume' ? { Name: mp.Name } : {}),
    Source: mp.Source,
    Destination: mp.Destination,
    ...(mp.Type === 'volume' ? { Driver: mp.Driver } : {}),
    Mode: mp.Mode,
    RW: mp.RW,
    Propagation: mp.Propagation,
  }));
}
