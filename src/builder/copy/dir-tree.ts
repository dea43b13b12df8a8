import { createReadStream } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { resolveInScope } from '../../archive/scoped-path.js';
import type { SourceEntry, SourceTree } from '../context/context-entry.js';

/** A source tree on a host directory: a stage's or image's mounted rootfs (COPY --from). */
export class DirTree implements SourceTree {
  readonly label: string;
  readonly #root: string;

  constructor(root: string, label: string) {
    this.#root = root;
    this.label = label;
  }

  async stat(path: string): Promise<SourceEntry | undefined> {
    const st = await lstat(join(this.#root, path)).catch(() => undefined);
    if (!st) return undefined;
    const type = st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : undefined;
    if (!type) return undefined;
    return {
      path,
      type,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      size: st.size,
      mtime: st.mtimeMs,
      ...(type === 'symlink' ? { linkname: await readlink(join(this.#root, path)) } : {}),
    };
  }

  async list(path: string): Promise<string[]> {
    return (await readdir(join(this.#root, path))).sort();
  }

  async open(path: string): Promise<Readable> {
    return createReadStream(join(this.#root, path));
  }

  readAll(path: string): Promise<Buffer> {
    return readFile(join(this.#root, path));
  }

  resolve(path: string): Promise<string> {
    return resolveInScope(this.#root, path);
  }
}
