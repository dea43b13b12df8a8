import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { getAttribute } from 'fs-xattr';
import type { FilesystemChange } from '../core/wire/container-fs.js';
import { lstatOrNull } from './entry-path.js';
import { OVERLAY_OPAQUE_XATTR, isOverlayWhiteout } from './whiteout.js';

/** Docker's change kinds (`GET /containers/{id}/changes`): 0 modified, 1 added, 2 deleted. */
export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

/** One change, as `GET /containers/{id}/changes` sends it; Path is absolute inside the container (`/etc/passwd`). */
export type FsChange = FilesystemChange;

export interface OverlayChangesOptions {
  /** Relative paths (`etc/hosts`) that are bookkeeping rather than changes; left out with their subtrees. */
  ignore?: ReadonlySet<string>;
}

/**
 * What an overlay upper dir changes relative to its lower dirs (nearest first), the way
 * `docker diff` reports it, sorted by path:
 * - a 0/0 char device is a deleted path;
 * - an opaque dir hides its lower content: lower children it does not hold are deleted;
 * - a path also present in some lower is modified, else added;
 * - every directory above a change is modified.
 * A directory that only overlay copied up (same mode and owner as below; its mtime moves
 * with every create inside it) is not a change by itself.
 */
export async function overlayChanges(upper: string, lowers: readonly string[], opts: OverlayChangesOptions = {}): Promise<FsChange[]> {
  const changes = new Map<string, ChangeKind>();
  const ignore = opts.ignore ?? new Set<string>();
  const record = (rel: string, kind: ChangeKind) => {
    changes.set(`/${rel}`, kind);
    // Every directory above a change is modified too (as Docker's change walk reports it);
    // an ancestor already recorded had its own ancestors recorded then.
    for (let p = posix.dirname(rel); p !== '.' && !changes.has(`/${p}`); p = posix.dirname(p)) changes.set(`/${p}`, ChangeKind.Modified);
  };

  const walk = async (dirRel: string, visible: readonly string[]): Promise<void> => {
    const names = (await readdir(join(upper, dirRel))).sort();
    for (const name of names) {
      const rel = dirRel === '' ? name : `${dirRel}/${name}`;
      if (ignore.has(rel)) continue;
      const st = await lstatOrNull(join(upper, rel));
      if (st === null) continue;
      const below = await lowerStat(visible, rel);
      if (isOverlayWhiteout(st)) {
        if (below !== null) record(rel, ChangeKind.Deleted);
        continue;
      }
      if (!st.isDirectory()) {
        record(rel, below === null ? ChangeKind.Added : ChangeKind.Modified);
        continue;
      }
      const opaque = await isOpaque(join(upper, rel));
      if (below === null || !below.isDirectory()) record(rel, below === null ? ChangeKind.Added : ChangeKind.Modified);
      else if (opaque || st.mode !== below.mode || st.uid !== below.uid || st.gid !== below.gid) record(rel, ChangeKind.Modified);
      // Lower layers below an opaque dir (or below a non-directory) no longer show through.
      const lowerVisible = opaque || below === null || !below.isDirectory() ? [] : visible;
      if (opaque && below?.isDirectory()) await recordHidden(rel, visible, upper, record);
      await walk(rel, lowerVisible);
    }
  };
  await walk('', lowers);
  return [...changes].map(([Path, Kind]) => ({ Path, Kind })).sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
}

/** The path as the merged lower layers show it: the nearest lower that has it, unless a whiteout or opaque dir hides it. */
async function lowerStat(lowers: readonly string[], rel: string): Promise<Stats | null> {
  for (const lower of lowers) {
    let st: Stats | null;
    try {
      st = await lstatOrNull(join(lower, rel));
    } catch (err) {
      // A nearer lower holds a file or whiteout where `rel` needs a directory: hidden.
      if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
      throw err;
    }
    if (st === null) {
      if (await hiddenBy(lower, rel)) return null;
      continue;
    }
    return isOverlayWhiteout(st) ? null : st;
  }
  return null;
}

/** Whether an opaque ancestor dir in this lower hides what is below it. */
async function hiddenBy(lower: string, rel: string): Promise<boolean> {
  for (let p = posix.dirname(rel); p !== '.'; p = posix.dirname(p)) {
    if (await isOpaque(join(lower, p))) return true;
  }
  return false;
}

/** An opaque upper dir deletes every lower child it does not itself hold. */
async function recordHidden(rel: string, lowers: readonly string[], upper: string, record: (rel: string, kind: ChangeKind) => void): Promise<void> {
  const seen = new Set<string>();
  for (const lower of lowers) {
    const names = await readdir(join(lower, rel)).catch(() => [] as string[]);
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      const child = `${rel}/${name}`;
      if ((await lstatOrNull(join(upper, child))) !== null) continue;
      if ((await lowerStat(lowers, child)) !== null) record(child, ChangeKind.Deleted);
    }
    if (await isOpaque(join(lower, rel))) break;
  }
}

async function isOpaque(dir: string): Promise<boolean> {
  try {
    return (await getAttribute(dir, OVERLAY_OPAQUE_XATTR)).toString() === 'y';
  } catch {
    return false;
  }
}
