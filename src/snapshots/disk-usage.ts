import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskUsage {
  /** Apparent bytes of every non-directory (directory sizes depend on the file system). */
  size: number;
  /** Distinct inodes, the root directory included, as `du --inodes` counts them. */
  inodes: number;
}

/**
 * Usage of the tree at `root`, not following symlinks and counting hard-linked files once.
 * Stays on the tree's own files: a snapshot's layer dir never holds mounts.
 */
export async function diskUsage(root: string): Promise<DiskUsage> {
  const seen = new Set<string>();
  let size = 0;
  const stack = [root];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const st = await lstat(path, { bigint: true });
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (st.isDirectory()) {
      for (const name of await readdir(path)) stack.push(join(path, name));
    } else {
      size += Number(st.size);
    }
  }
  return { size, inodes: seen.size };
}
