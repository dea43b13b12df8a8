import { execFile } from 'node:child_process';
import { Internal, messageOf } from '../core/errors.js';

export type NodeKind = 'c' | 'b' | 'p';

/**
 * Creates a device node or fifo. Node has no mknod(2), so this runs coreutils' `mknod`;
 * device entries are rare in layers (whiteouts aside), so a process per node is fine.
 * Like mknod(2) it fails if `path` exists and does not follow a symlink there.
 */
export function mknod(path: string, kind: NodeKind, major = 0, minor = 0): Promise<void> {
  const args = ['-m', '0600', '--', path, kind];
  if (kind !== 'p') args.push(String(major), String(minor));
  return new Promise((resolve, reject) => {
    execFile('mknod', args, (err, _stdout, stderr) => {
      if (err) reject(new Internal(`mknod ${path}: ${stderr.trim() || messageOf(err)}`, { cause: err }));
      else resolve();
    });
  });
}
