import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { applyLayer, packDirectory } from '../../archive/index.js';
import { rebaseTar } from '../../archive/rebase-tar.js';
import { resolveInScope } from '../../archive/scoped-path.js';
import { Forbidden, InvalidArgument, NotFound } from '../../core/errors.js';
import type { DaemonContext } from '../context.js';
import type { ContainerPathStat } from '../../core/wire/container-fs.js';
import type { ContainerRecord } from './container-record.js';
import { holdRootfs } from './container-rootfs.js';
import { mountedView, type MountedView } from './mounts/mounted-view.js';

/** Go's os.FileMode type bits, which the docker CLI decodes the mode with. */
const GO_MODE = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
};

export function goFileMode(st: Stats): number {
  let mode = st.mode & 0o777;
  if (st.isDirectory()) mode += GO_MODE.dir;
  else if (st.isSymbolicLink()) mode += GO_MODE.symlink;
  else if (st.isFIFO()) mode += GO_MODE.namedPipe;
  else if (st.isSocket()) mode += GO_MODE.socket;
  else if (st.isCharacterDevice()) mode += GO_MODE.device + GO_MODE.charDevice;
  else if (st.isBlockDevice()) mode += GO_MODE.device;
  if (st.mode & 0o4000) mode += GO_MODE.setuid;
  if (st.mode & 0o2000) mode += GO_MODE.setgid;
  if (st.mode & 0o1000) mode += GO_MODE.sticky;
  return mode;
}

interface Resolved {
  /** The path as asked, made absolute, keeping a trailing `/` or `/.` (it means "the contents"). */
  abs: string;
  /** Resolved in the container's scope; the last element is not followed unless the path ends in `/`. */
  rel: string;
  stat: Stats;
}

function absolute(path: string): string {
  const clean = posix.normalize(`/${path}`);
  if (path.endsWith('/.') || path === '.') return clean === '/' ? '/.' : `${clean.replace(/\/$/, '')}/.`;
  if (path.endsWith('/') && clean !== '/') return clean.endsWith('/') ? clean : `${clean}/`;
  return clean;
}

/** Docker's ResolvePath + StatPath: the directory part is resolved in scope, the base is not followed. */
async function resolve(root: string, view: MountedView, path: string, ref: string): Promise<Resolved> {
  const abs = absolute(path);
  const slash = abs.lastIndexOf('/');
  const dirPart = abs.slice(0, slash + 1);
  const base = abs.slice(slash + 1);
  const dir = await resolveInScope(root, dirPart, view.locate);
  const rel = base === '' || base === '.' ? dir : dir === '' ? base : `${dir}/${base}`;
  const stat = await lstat(view.locate(rel)).catch(() => null);
  if (stat === null) throw new NotFound(`Could not find the file ${path} in container ${ref}`);
  return { abs, rel, stat };
}

async function statOf(root: string, view: MountedView, r: Resolved): Promise<ContainerPathStat> {
  let linkTarget = '';
  // Fully evaluated in the container's scope, as an absolute path inside it.
  if (r.stat.isSymbolicLink()) linkTarget = `/${await resolveInScope(root, r.abs, view.locate)}`;
  return { name: goBase(r.abs), size: r.stat.size, mode: goFileMode(r.stat), mtime: r.stat.mtime.toISOString(), linkTarget };
}

/** Go's filepath.Base: trailing slashes dropped, `/` for the root, `.` kept. */
function goBase(abs: string): string {
  const trimmed = abs.replace(/\/+$/, '');
  return trimmed === '' ? '/' : posix.basename(trimmed);
}

/** The container's files with its binds and volumes, held for the time of `fn`. */
async function withRootfs<T>(ctx: DaemonContext, c: ContainerRecord, fn: (root: string, view: MountedView) => Promise<T>): Promise<T> {
  const hold = await holdRootfs(ctx, c);
  try {
    const view = await mountedView(ctx, c, hold.path);
    try {
      return await fn(hold.path, view);
    } finally {
      await view.release();
    }
  } finally {
    await hold.release();
  }
}

/** HEAD /containers/{id}/archive */
export async function statContainerPath(ctx: DaemonContext, ref: string, path: string): Promise<ContainerPathStat> {
  const c = ctx.containers.store.get(ref);
  return withRootfs(ctx, c, async (root, view) => statOf(root, view, await resolve(root, view, path, ref)));
}

/**
 * GET /containers/{id}/archive: a tar whose entries start with the base name of the
 * asked path (`docker cp` renames that first element), or holds the directory's
 * contents when the path ends in `/.` or is the root. The rootfs stays held until the
 * stream closes.
 */
export async function archiveContainerPath(ctx: DaemonContext, ref: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }> {
  const c = ctx.containers.store.get(ref);
  const hold = await holdRootfs(ctx, c);
  let view: MountedView | undefined;
  const release = async () => {
    await view?.release();
    await hold.release();
  };
  try {
    view = await mountedView(ctx, c, hold.path);
    const r = await resolve(hold.path, view, path, ref);
    const stat = await statOf(hold.path, view, r);
    let tar: Readable;
    if (r.rel === '') {
      // Docker names the root's entries `/x` (or `./x` for `/.`).
      tar = rebaseTar(packDirectory(hold.path), '', r.abs === '/' ? '/' : './');
    } else {
      const parent = posix.dirname(r.rel) === '.' ? '' : posix.dirname(r.rel);
      const srcBase = posix.basename(r.rel);
      const packed = packDirectory(view.locate(parent), { include: (rel) => rel === srcBase || rel.startsWith(`${srcBase}/`) });
      tar = stat.name === srcBase ? packed : rebaseTar(packed, srcBase, stat.name);
    }
    tar.once('close', () => void release());
    return { stat, tar };
  } catch (err) {
    await release();
    throw err;
  }
}

/**
 * PUT /containers/{id}/archive: extracts a tar (plain or compressed) into the directory
 * `path`. The directory is resolved in the container's scope, so a symlink cannot lead
 * outside the rootfs; entries are then applied by LayerWriter relative to that directory,
 * which refuses absolute or escaping names and anything reached through a symlink
 * (InvalidArgument, HTTP 400). What was extracted before a refused entry stays.
 */
export async function extractToContainer(
  ctx: DaemonContext,
  ref: string,
  path: string,
  source: Readable,
  opts: { signal?: AbortSignal } = {},
): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (c.HostConfig.ReadonlyRootfs) throw new Forbidden('container rootfs is marked read-only');
  await withRootfs(ctx, c, async (root, view) => {
    const rel = await resolveInScope(root, posix.normalize(`/${path}`), view.locate);
    const st = await lstat(view.locate(rel)).catch(() => null);
    if (st === null) throw new NotFound(`Could not find the file ${path} in container ${ref}`);
    if (!st.isDirectory()) throw new InvalidArgument('extraction point is not a directory');
    if (view.mountOf(rel)?.RW === false) throw new Forbidden('mounted volume is marked read-only');
    await checkNoSymlinks(view, rel);
    await applyLayer(source, view.locate(rel), { whiteouts: 'remove', signal: opts.signal, logger: ctx.logger });
  });
}

/**
 * Re-checks just before extracting that no element of the resolved directory became a
 * symlink. This narrows, but cannot close, the window in which a process inside a running
 * container could swap one in (Docker's CVE-2018-15664 has the same shape).
 */
async function checkNoSymlinks(view: MountedView, rel: string): Promise<void> {
  const parts: string[] = [];
  for (const part of rel.split('/').filter(Boolean)) {
    parts.push(part);
    const st = await lstat(view.locate(parts.join('/')));
    if (st.isSymbolicLink() || !st.isDirectory()) throw new InvalidArgument(`extraction point ${rel} changed while it was resolved`);
  }
}
