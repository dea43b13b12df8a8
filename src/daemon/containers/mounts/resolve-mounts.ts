import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { resolveInScope } from '../../../archive/scoped-path.js';
import { InvalidArgument, messageOf } from '../../../core/errors.js';
import type { HostConfig } from '../../../core/wire/containers.js';
import { copyUpIfEmpty } from '../../../volumes/copy-up.js';
import type { DaemonContext } from '../../context.js';
import { holdRootfs } from '../container-rootfs.js';
import { parseBind, parseMountSpec, parseVolumesFrom, type MountPointRecord } from './parse-mounts.js';

function duplicate(dest: string): InvalidArgument {
  return new InvalidArgument(`Duplicate mount point: ${dest}`);
}

function tmpfsDestinations(hc: HostConfig): Set<string> {
  const out = new Set<string>();
  for (const dest of Object.keys(hc.Tmpfs ?? {})) {
    if (!posix.isAbsolute(dest)) throw new InvalidArgument(`invalid mount path: '${dest}' mount path must be absolute`);
    if (posix.normalize(dest) === '/') throw new InvalidArgument("invalid specification: destination can't be '/'");
    out.add(posix.normalize(dest));
  }
  return out;
}

/**
 * The container's mount points from `--volumes-from`, `-v` (Binds), `--mount` and the
 * image's VOLUMEs, in Docker's precedence (moby registerMountPoints): binds and mounts
 * replace what volumes-from brought, two explicit mounts on one destination (tmpfs
 * included) are an error, and image VOLUMEs nothing else covers become anonymous volumes.
 * Validates only: volumes are created by `createMountVolumes`.
 */
export function planMounts(ctx: DaemonContext, hc: HostConfig, imageVolumes: readonly string[]): MountPointRecord[] {
  const tmpfs = tmpfsDestinations(hc);
  const byDest = new Map<string, MountPointRecord>();
  const explicit = new Set<string>();
  for (const spec of hc.VolumesFrom ?? []) {
    const { ref, rw } = parseVolumesFrom(spec);
    // Docker answers 400 here, not 404: clients take a 404 on create for a missing image.
    const from = ctx.containers.store.tryGet(ref);
    if (!from) throw new InvalidArgument(`No such container: ${ref}`);
    for (const m of from.MountPoints ?? []) {
      byDest.set(m.Destination, { ...m, RW: m.RW && rw, Mode: '', CopyData: false, CreateSource: false, VolumeOptions: null, VolumeLabels: null });
    }
  }
  for (const raw of hc.Binds ?? []) {
    const mp = parseBind(raw);
    if (explicit.has(mp.Destination) || tmpfs.has(mp.Destination)) throw duplicate(mp.Destination);
    explicit.add(mp.Destination);
    byDest.set(mp.Destination, mp);
  }
  for (const spec of hc.Mounts ?? []) {
    const mp = parseMountSpec(spec, existsSync);
    if (explicit.has(mp.Destination) || tmpfs.has(mp.Destination)) throw duplicate(spec.Target ?? mp.Destination);
    explicit.add(mp.Destination);
    byDest.set(mp.Destination, mp);
  }
  for (const raw of imageVolumes) {
    const dest = posix.normalize(raw);
    if (!posix.isAbsolute(dest)) throw new InvalidArgument(`invalid mount path: '${raw}' mount path must be absolute`);
    if (byDest.has(dest) || tmpfs.has(dest)) continue;
    byDest.set(dest, { Type: 'volume', Name: '', Source: '', Destination: dest, Driver: 'local', Mode: '', RW: true, Propagation: '', CopyData: true });
  }
  return [...byDest.values()];
}

/**
 * Creates the volumes `mounts` name (and anonymous ones for those without a name), fills
 * in their names and host paths, and records `containerId` as a user of each. All or
 * nothing: on failure, references taken and anonymous volumes made are undone.
 */
export async function createMountVolumes(ctx: DaemonContext, containerId: string, mounts: MountPointRecord[]): Promise<void> {
  const done: MountPointRecord[] = [];
  try {
    for (const mp of mounts) {
      if (mp.Type !== 'volume') continue;
      const { record } = await ctx.volumes.create({ name: mp.Name || undefined, labels: mp.VolumeLabels, options: mp.VolumeOptions });
      mp.Name = record.Name;
      mp.Source = ctx.volumes.dataPath(record.Name);
      mp.Driver = record.Driver;
      ctx.volumes.addRef(record.Name, containerId);
      done.push(mp);
    }
  } catch (err) {
    await forgetMounts(ctx, containerId, done, true);
    throw err;
  }
}

/**
 * Docker's copy-up (populateVolumes): each volume mount that copies data and is still
 * empty gets what the image holds at its destination. Runs once, at create, with the
 * container's root file system mounted for the time of the copy.
 */
export async function populateVolumes(ctx: DaemonContext, c: { Id: string; SnapshotKey: string }, mounts: readonly MountPointRecord[], imageVolumes: readonly string[]): Promise<void> {
  const wanted = mounts.filter((m) => m.Type === 'volume' && m.CopyData);
  if (wanted.length === 0) return;
  const fromImage = new Set(imageVolumes.map((v) => posix.normalize(v)));
  const hold = await holdRootfs(ctx, c);
  try {
    for (const mp of wanted) {
      const path = join(hold.path, await resolveInScope(hold.path, mp.Destination));
      const st = await lstat(path).catch(() => null);
      if (!st) continue;
      if (!st.isDirectory()) {
        if (fromImage.has(mp.Destination)) throw new InvalidArgument(`cannot mount volume over existing file, file exists ${path}`);
        continue;
      }
      const holder = `populate-${c.Id}`;
      const data = await ctx.volumes.acquire(mp.Name, holder);
      try {
        await copyUpIfEmpty(path, data);
      } finally {
        await ctx.volumes.release(mp.Name, holder);
      }
    }
  } finally {
    await hold.release();
  }
}

/**
 * Drops `containerId`'s references to its volumes (idempotent). With `removeAnonymous`
 * (`rm -v`, `--rm`), anonymous volumes nothing else references are removed too; named
 * volumes always stay, as in Docker.
 */
export async function forgetMounts(ctx: DaemonContext, containerId: string, mounts: readonly MountPointRecord[], removeAnonymous: boolean): Promise<void> {
  for (const mp of mounts) {
    if (mp.Type !== 'volume' || !mp.Name) continue;
    ctx.volumes.dropRef(mp.Name, containerId);
    const rec = ctx.volumes.tryGet(mp.Name);
    if (!removeAnonymous || !rec || !ctx.volumes.isAnonymous(rec) || ctx.volumes.refs(mp.Name).length > 0) continue;
    await ctx.volumes.remove(mp.Name).catch((err: unknown) => {
      ctx.logger.warn('removing anonymous volume failed', { volume: mp.Name, error: messageOf(err) });
    });
  }
}
