import { readFile, realpath } from 'node:fs/promises';
import { sep } from 'node:path';

/** One line of /proc/self/mountinfo, reduced to what Berth uses. */
export interface MountInfoEntry {
  mountId: number;
  parentId: number;
  /** Absolute path of the mount point, octal escapes decoded. */
  mountPoint: string;
  fsType: string;
  source: string;
}

/** mountinfo escapes space, tab, newline and backslash as `\ooo`. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses mountinfo text (proc(5)); optional fields end at the lone `-` separator. */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (f.length < 10 || dash < 0) continue;
    out.push({
      mountId: Number(f[0]),
      parentId: Number(f[1]),
      mountPoint: unescape(f[4]!),
      fsType: f[dash + 1]!,
      source: unescape(f[dash + 2]!),
    });
  }
  return out;
}

/** Mounts of this process's mount namespace, read fresh on every call. */
export async function readMountInfo(): Promise<MountInfoEntry[]> {
  return parseMountInfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Canonical path, or undefined when it does not exist (nothing can be mounted there). */
async function canonical(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** True when something is mounted exactly at `path` (symlinks resolved). */
export async function isMountPoint(path: string): Promise<boolean> {
  const p = await canonical(path);
  if (p === undefined) return false;
  return (await readMountInfo()).some((m) => m.mountPoint === p);
}

/**
 * Distinct mount points at or below `dir`, deepest first (the order to unmount them in).
 * Used before deleting a tree, since a recursive delete would descend into a mount.
 */
export async function mountPointsUnder(dir: string): Promise<string[]> {
  const p = await canonical(dir);
  if (p === undefined) return [];
  const prefix = p.endsWith(sep) ? p : p + sep;
  const points = new Set((await readMountInfo()).map((m) => m.mountPoint));
  return [...points].filter((mp) => mp === p || mp.startsWith(prefix)).sort((a, b) => b.length - a.length);
}
