import { constants } from 'node:fs';
import { lchown, lstat, lutimes, mkdir, open, rm, symlink, chmod, chown, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { resolveInScope } from '../../archive/scoped-path.js';
import { InvalidArgument } from '../../core/errors.js';
import type { SourceEntry, SourceTree } from '../context/context-entry.js';
import type { Owner } from './owner.js';

/** A resolved COPY/ADD source: an entry of a tree (the context, a stage's rootfs, a heredoc). */
export interface CopySource {
  tree: SourceTree;
  entry: SourceEntry;
}

export interface CopyOptions {
  /** --chown, or root for context sources; undefined keeps the source's owner (COPY --from). */
  owner?: Owner;
  /** --chmod: applied to every file and directory copied. */
  mode?: number;
}

/** Files below this size are read whole and written in one call; larger ones stream. */
const SMALL_FILE = 1 << 20;
/** Files written at once: enough to keep libuv's thread pool busy, few enough to bound memory. */
const PARALLEL_WRITES = 16;

/**
 * Copies `sources` to `dest` (a path inside the container, absolute after WORKDIR
 * was applied) under `rootfs`, with Docker's rules: a directory source copies its
 * contents into dest; a file goes into dest when dest ends in `/` or is an existing
 * directory, else becomes dest; missing parents are created (0755, owned as the copy).
 * Paths are resolved inside rootfs (symlinks of the image followed, never out of it).
 */
export async function copyInto(rootfs: string, sources: readonly CopySource[], dest: string, opts: CopyOptions): Promise<void> {
  const w = new Writer(rootfs, opts);
  const destIsDirPath = dest.endsWith('/') || dest.endsWith('/.');
  for (const src of sources) {
    if (src.entry.type === 'directory') {
      const dir = await w.mkdirAll(dest);
      await w.applyDirMeta(dir, src.entry);
      await w.copyChildren(src.tree, src.entry.path, dir);
      await w.setTimes(dir, src.entry);
      continue;
    }
    const resolved = await resolveInScope(rootfs, dest);
    const st = await lstat(join(rootfs, resolved)).catch(() => undefined);
    const name = src.entry.path.split('/').pop()!;
    if (destIsDirPath || st?.isDirectory()) {
      const dir = await w.mkdirAll(resolved);
      await w.writeLeaf(src.tree, src.entry, join(rootfs, dir, name));
    } else {
      const slash = resolved.lastIndexOf('/');
      const dir = await w.mkdirAll(slash < 0 ? '' : resolved.slice(0, slash));
      await w.writeLeaf(src.tree, src.entry, join(rootfs, dir, resolved.slice(slash + 1)));
    }
  }
  await w.drain();
}

class Writer {
  readonly #root: string;
  readonly #opts: CopyOptions;
  #running = new Set<Promise<void>>();
  #failure: unknown;

  constructor(root: string, opts: CopyOptions) {
    this.#root = root;
    this.#opts = opts;
  }

  /** Creates `rel` and its missing parents inside the root; returns its resolved relative path. */
  async mkdirAll(rel: string): Promise<string> {
    const resolved = await resolveInScope(this.#root, rel);
    const host = join(this.#root, resolved);
    // Every existing component was resolved, so the ones mkdir creates are new, never links.
    const first = await mkdir(host, { recursive: true, mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOTDIR' || err.code === 'EEXIST') throw new InvalidArgument(`cannot copy to ${rel}: a parent is not a directory`);
      throw err;
    });
    const owner = this.#opts.owner;
    if (first && owner && (owner.uid !== 0 || owner.gid !== 0)) {
      for (let p = host; p.length >= first.length; p = p.slice(0, p.lastIndexOf('/'))) await chown(p, owner.uid, owner.gid);
    }
    if (!(await lstat(host)).isDirectory()) throw new InvalidArgument(`cannot copy to ${rel}: not a directory`);
    return resolved;
  }

  async applyDirMeta(rel: string, e: SourceEntry): Promise<void> {
    const host = join(this.#root, rel);
    const st = await lstat(host);
    const mode = this.#opts.mode ?? e.mode;
    const o = this.#owner(e);
    // Touching an unchanged directory would copy it up into the layer for nothing.
    if ((st.mode & 0o7777) !== mode) await chmod(host, mode);
    if (st.uid !== o.uid || st.gid !== o.gid) await chown(host, o.uid, o.gid);
  }

  async setTimes(rel: string, e: SourceEntry): Promise<void> {
    if (e.mtime > 0) await utimes(join(this.#root, rel), e.mtime / 1000, e.mtime / 1000);
  }

  #owner(e: SourceEntry): Owner {
    return this.#opts.owner ?? { uid: e.uid, gid: e.gid };
  }

  /** Copies the children of directory `srcPath` into the existing directory `destRel`. */
  async copyChildren(tree: SourceTree, srcPath: string, destRel: string): Promise<void> {
    for (const name of await tree.list(srcPath)) {
      const childSrc = srcPath === '' ? name : `${srcPath}/${name}`;
      const e = await tree.stat(childSrc);
      if (!e) continue;
      const childDest = destRel === '' ? name : `${destRel}/${name}`;
      if (e.type !== 'directory') {
        await this.#schedule(() => this.writeLeaf(tree, e, join(this.#root, childDest)));
        continue;
      }
      let dirRel = childDest;
      const st = await lstat(join(this.#root, childDest)).catch(() => undefined);
      if (st?.isSymbolicLink()) dirRel = await resolveInScope(this.#root, childDest);
      else if (st && !st.isDirectory()) await rm(join(this.#root, childDest), { force: true });
      if (!st || !st.isDirectory()) await mkdir(join(this.#root, dirRel), { recursive: true, mode: 0o755 });
      await this.applyDirMeta(dirRel, e);
      await this.copyChildren(tree, childSrc, dirRel);
      await this.setTimes(dirRel, e);
    }
  }

  /** Runs `work` with at most PARALLEL_WRITES in flight; the first failure is rethrown. */
  async #schedule(work: () => Promise<void>): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    while (this.#running.size >= PARALLEL_WRITES) await Promise.race(this.#running);
    const p: Promise<void> = work().catch((err: unknown) => {
      this.#failure ??= err;
    }).finally(() => this.#running.delete(p));
    this.#running.add(p);
  }

  async drain(): Promise<void> {
    await Promise.all(this.#running);
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Writes a file or symlink at host path `host`, replacing what is there (never writing through a link). */
  async writeLeaf(tree: SourceTree, e: SourceEntry, host: string): Promise<void> {
    const o = this.#owner(e);
    if (e.type === 'symlink') {
      await rm(host, { recursive: true, force: true });
      await symlink(e.linkname ?? '', host);
      await lchown(host, o.uid, o.gid);
      if (e.mtime > 0) await lutimes(host, e.mtime / 1000, e.mtime / 1000);
      return;
    }
    const mode = this.#opts.mode ?? e.mode;
    let fh;
    try {
      fh = await open(host, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, mode);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ELOOP' && code !== 'EISDIR') throw err;
      await rm(host, { recursive: true, force: true });
      fh = await open(host, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    }
    try {
      if (e.size <= SMALL_FILE) {
        const data = await tree.readAll(e.path);
        if (data.length > 0) await fh.write(data, 0, data.length, 0);
      } else {
        await pipeline(await tree.open(e.path), fh.createWriteStream({ autoClose: false }));
      }
      // The umask trimmed the mode open() was given, and a truncated old file kept its own.
      await fh.chmod(mode);
      await fh.chown(o.uid, o.gid);
      if (e.mtime > 0) await fh.utimes(e.mtime / 1000, e.mtime / 1000);
    } finally {
      await fh.close();
    }
  }
}
