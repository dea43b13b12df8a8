import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { getAttribute, listAttributes } from 'fs-xattr';

export interface NodeInfo {
  kind: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  content?: string;
  target?: string;
  rdev?: number;
  /** Paths of the same tree sharing this inode. */
  links?: string[];
  xattrs: Record<string, string>;
}

/** Everything a layer round trip must keep, by relative path, comparable with deepEqual. */
export async function describeTree(root: string): Promise<Record<string, NodeInfo>> {
  const out: Record<string, NodeInfo> = {};
  const inodes = new Map<number, string[]>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(root, rel))).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, r);
      const st = await lstat(abs);
      const info: NodeInfo = {
        kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : st.isCharacterDevice() ? 'chr' : st.isBlockDevice() ? 'blk' : st.isFIFO() ? 'fifo' : 'other',
        mode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
        mtime: Math.floor(st.mtimeMs / 1000),
        xattrs: {},
      };
      if (st.isFile()) info.content = (await readFile(abs)).toString('base64');
      if (st.isSymbolicLink()) info.target = await readlink(abs);
      else for (const k of (await listAttributes(abs)).sort()) info.xattrs[k] = (await getAttribute(abs, k)).toString('base64');
      if (st.isCharacterDevice() || st.isBlockDevice()) info.rdev = st.rdev;
      if (!st.isDirectory() && st.nlink > 1) {
        const group = inodes.get(st.ino) ?? [];
        group.push(r);
        inodes.set(st.ino, group);
        info.links = group;
      }
      if (st.isSymbolicLink()) info.mode = 0; // symlink modes are not kept on Linux
      out[r] = info;
      if (st.isDirectory()) await walk(r);
    }
  };
  await walk('');
  return out;
}
