import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Apparent bytes of the files under `root` (hard links once, symlinks not followed); 0 when it is gone. */
export async function treeSize(root: string): Promise<number> {
  const seen = new Set<string>();
  let size = 0;
  const stack = [root];
  while (stack.length > 0) {
    const path = stack.pop()!;
    const st = await lstat(path, { bigint: true }).catch(() => null);
    if (!st) continue;
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (st.isDirectory()) {
      for (const name of await readdir(path).catch(() => [] as string[])) stack.push(join(path, name));
    } else {
      size += Number(st.size);
    }
  }
  return size;
}
