import type { Mount } from '../../core/mount.js';
import type { SnapshotKind } from '../../core/snapshots.js';

export interface MountLayout {
  kind: 'active' | 'view';
  /** The snapshot's own fs dir (overlay upperdir for active snapshots). */
  upper: string;
  work: string;
  /** Parents' fs dirs, nearest first. */
  lowers: string[];
}

/**
 * The mounts for a snapshot, as containerd's overlay snapshotter describes them:
 * - no parent: bind of its own dir (rw for active, ro for view), since overlay needs a lower;
 * - view of one parent: ro bind of the parent's dir, since overlay needs two lowers without an upper;
 * - otherwise overlay. `index=off` lets committed lowers be reused under a new upper
 *   without the kernel refusing a mismatched origin; no `userxattr`, as berthd runs as root.
 */
export function overlayMounts({ kind, upper, work, lowers }: MountLayout): Mount[] {
  if (lowers.length === 0) {
    return [{ type: 'bind', source: upper, options: [kind === 'view' ? 'ro' : 'rw', 'rbind'] }];
  }
  if (kind === 'view' && lowers.length === 1) {
    return [{ type: 'bind', source: lowers[0]!, options: ['ro', 'rbind'] }];
  }
  const options: string[] = [];
  if (kind === 'active') options.push(`workdir=${work}`, `upperdir=${upper}`);
  options.push(`lowerdir=${lowers.join(':')}`, 'index=off');
  return [{ type: 'overlay', source: 'overlay', options }];
}

export function isMountable(kind: SnapshotKind): kind is 'active' | 'view' {
  return kind !== 'committed';
}
