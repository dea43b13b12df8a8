import { posix } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';
import type { OciMount } from './oci-types.js';

/** Option pairs where the later one wins, as moby `mount.MergeTmpfsOptions` treats them. */
const OPPOSITES: Record<string, string> = {
  ro: 'rw', rw: 'ro', exec: 'noexec', noexec: 'exec', suid: 'nosuid', nosuid: 'suid', dev: 'nodev', nodev: 'dev',
  atime: 'noatime', noatime: 'atime', diratime: 'nodiratime', nodiratime: 'diratime',
  relatime: 'norelatime', norelatime: 'relatime', strictatime: 'nostrictatime', nostrictatime: 'strictatime',
};

/** Merges mount options left to right: a later flag replaces its opposite, a later `key=` replaces the earlier. */
export function mergeMountOptions(options: readonly string[]): string[] {
  const out: string[] = [];
  for (const opt of options) {
    if (opt === '') continue;
    const eq = opt.indexOf('=');
    const key = eq >= 0 ? opt.slice(0, eq + 1) : undefined;
    const opposite = OPPOSITES[opt];
    for (let i = out.length - 1; i >= 0; i--) {
      const cur = out[i]!;
      if (cur === opt || cur === opposite || (key !== undefined && cur.startsWith(key))) out.splice(i, 1);
    }
    out.push(opt);
  }
  return out;
}

/** `--tmpfs /run:size=64m,exec` → a tmpfs mount with Docker's defaults (noexec, nosuid, nodev) merged. */
export function tmpfsMount(destination: string, options: string): OciMount {
  assertAbsolute(destination);
  const opts = mergeMountOptions(['noexec', 'nosuid', 'nodev', 'rprivate', ...options.split(',')]);
  return { destination, type: 'tmpfs', source: 'tmpfs', options: opts };
}

export function assertAbsolute(destination: string): void {
  if (!posix.isAbsolute(destination)) throw new InvalidArgument(`invalid mount config: mount path must be absolute: ${destination}`);
}

function depth(p: string): number {
  return posix.normalize(p).split('/').filter(Boolean).length;
}

/**
 * Default mounts, minus those a user mount replaces (same destination, or under a
 * user-mounted /dev), then user mounts ordered parents first so a child mount is
 * not hidden by its parent (moby `sortMounts`).
 */
export function combineMounts(defaults: readonly OciMount[], user: readonly OciMount[]): OciMount[] {
  const userDest = new Set(user.map((m) => posix.normalize(m.destination)));
  const kept = defaults.filter((d) => {
    if (userDest.has(d.destination)) return false;
    return !(userDest.has('/dev') && d.destination.startsWith('/dev/'));
  });
  const sorted = user
    .map((m, i) => ({ m: { ...m, destination: posix.normalize(m.destination) }, i }))
    .sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i)
    .map((x) => x.m);
  return [...kept, ...sorted];
}
