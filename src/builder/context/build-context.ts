import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { decompressStream } from '../../archive/index.js';
import { InvalidArgument } from '../../core/errors.js';
import { cleanRelative, type SourceEntry, type SourceTree } from './context-entry.js';
import { ignoreMatcher } from './dockerignore.js';

/** A context entry plus where its bytes sit in the spool and the hash the cache keys on. */
export interface ContextEntry extends SourceEntry {
  /** Byte offset of a file's content in the spool file. */
  offset: number;
  /** sha256 (hex) of type, mode, owner, link target and content: what the cache compares. */
  hash: string;
}

/**
 * The build context as received: the request's tar is read once, as it streams in.
 * Each file's content is appended to one spool file and hashed on the way, so a
 * rebuild knows whether COPY sources changed without reading them again, and a COPY
 * that must run reads straight from the spool (no per-file extraction up front).
 * Lifecycle: `receive` -> use -> `dispose` (removes the spool directory).
 */
export class BuildContext implements SourceTree {
  readonly label = 'context';
  readonly #dir: string;
  readonly #spool: string;
  readonly #entries = new Map<string, ContextEntry>();
  readonly #children = new Map<string, Set<string>>();
  #reader: Promise<FileHandle> | undefined;

  private constructor(dir: string) {
    this.#dir = dir;
    this.#spool = join(dir, 'context.data');
  }

  /**
   * Reads a (possibly compressed) context tar into `dir` (created, owned by the caller).
   * Entries the context's `.dockerignore` excludes are dropped, as Docker's daemon drops
   * an ignored Dockerfile; the Dockerfile itself stays readable via `readText`.
   */
  static async receive(source: Readable, dir: string, signal?: AbortSignal): Promise<BuildContext> {
    const ctx = new BuildContext(dir);
    await mkdir(dir, { recursive: true });
    const spool = createWriteStream(ctx.#spool);
    try {
      await ctx.#read(source, spool, signal);
      spool.end();
      await once(spool, 'close');
    } catch (err) {
      spool.destroy();
      throw err;
    }
    return ctx;
  }

  async #read(source: Readable, spool: WriteStream, signal?: AbortSignal): Promise<void> {
    const extract = tar.extract();
    const feeding = pipeline(decompressStream(source), extract, signal ? { signal } : {});
    feeding.catch(() => {});
    let offset = 0;
    try {
      for await (const entry of extract) {
        const h = entry.header;
        const body = entry as unknown as AsyncIterable<Buffer>;
        const path = entryPath(h.name);
        const base = { path, mode: (h.mode ?? 0o644) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, mtime: (h.mtime ?? new Date(0)).getTime() };
        if (h.type === 'file' || h.type === 'contiguous-file') {
          const hash = createHash('sha256').update(`file ${base.mode} ${base.uid}:${base.gid}\n`);
          const start = offset;
          for await (const chunk of body) {
            hash.update(chunk);
            offset += chunk.length;
            if (!spool.write(chunk)) await once(spool, 'drain');
          }
          this.#add({ ...base, type: 'file', size: offset - start, offset: start, hash: hash.digest('hex') });
        } else {
          for await (const _ of body) void _;
          if (path === '') continue;
          if (h.type === 'directory') {
            this.#add({ ...base, type: 'directory', size: 0, offset: 0, hash: digest(`dir ${base.mode} ${base.uid}:${base.gid}`) });
          } else if (h.type === 'symlink') {
            const linkname = h.linkname ?? '';
            this.#add({ ...base, type: 'symlink', size: 0, offset: 0, linkname, hash: digest(`symlink ${base.uid}:${base.gid} ${linkname}`) });
          } else if (h.type === 'link') {
            // A hardlink is a second name for a file already read: same bytes, same hash.
            const target = this.#entries.get(entryPath(h.linkname ?? ''));
            if (!target || target.type !== 'file') throw new InvalidArgument(`invalid context: hardlink ${h.name} to missing file ${h.linkname}`);
            this.#add({ ...target, ...base, mode: target.mode });
          }
          // Devices, fifos and the like cannot be COPY sources; Docker skips them too.
        }
      }
    } catch (err) {
      source.destroy();
      extract.destroy();
      throw err;
    }
    await feeding.catch((err: unknown) => {
      throw new InvalidArgument(`failed to read the build context: ${(err as Error).message}`, { cause: err });
    });
  }

  #add(e: ContextEntry): void {
    if (e.path === '') return;
    this.#entries.set(e.path, e);
    // Tars need not list parent directories; they exist implicitly, as 0755 root dirs.
    let child = e.path;
    for (;;) {
      const slash = child.lastIndexOf('/');
      const parent = slash < 0 ? '' : child.slice(0, slash);
      let set = this.#children.get(parent);
      if (!set) this.#children.set(parent, (set = new Set()));
      set.add(child.slice(slash + 1));
      if (parent === '' || this.#entries.has(parent)) break;
      this.#entries.set(parent, { path: parent, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0, offset: 0, hash: digest('dir 493 0:0') });
      child = parent;
    }
  }

  /** Drops what `.dockerignore` excludes (Docker's rules); call after reading the Dockerfile. */
  async applyDockerignore(): Promise<void> {
    const text = await this.readText('.dockerignore');
    if (text === undefined) return;
    const ignores = ignoreMatcher(text);
    // Children first, so a directory is dropped only once nothing of it is kept.
    for (const path of [...this.#entries.keys()].sort().reverse()) {
      if (this.#entries.has(path) && ignores(path)) this.#remove(path);
    }
  }

  #remove(path: string): void {
    const e = this.#entries.get(path);
    if (!e) return;
    // A directory whose children are kept by a `!` exception stays, as a directory.
    const kids = this.#children.get(path);
    if (e.type === 'directory' && kids && kids.size > 0) return;
    this.#entries.delete(path);
    const slash = path.lastIndexOf('/');
    this.#children.get(slash < 0 ? '' : path.slice(0, slash))?.delete(path.slice(slash + 1));
  }

  /** The whole text of a small file (Dockerfile, .dockerignore); undefined if absent. */
  async readText(path: string): Promise<string | undefined> {
    const e = this.#entries.get(cleanRelative(path));
    if (!e || e.type !== 'file') return undefined;
    return (await this.readAll(e.path)).toString('utf8');
  }

  async readAll(path: string): Promise<Buffer> {
    const e = this.#entries.get(path);
    if (!e || e.type !== 'file') throw new InvalidArgument(`${path} is not a file in the build context`);
    const buf = Buffer.allocUnsafe(e.size);
    if (e.size === 0) return buf;
    // One shared handle: positional reads need no seek and may run side by side.
    const fh = await (this.#reader ??= open(this.#spool, 'r'));
    let done = 0;
    while (done < e.size) {
      const { bytesRead } = await fh.read(buf, done, e.size - done, e.offset + done);
      if (bytesRead === 0) throw new InvalidArgument(`build context spool is short reading ${path}`);
      done += bytesRead;
    }
    return buf;
  }

  entry(path: string): ContextEntry | undefined {
    return this.#entries.get(path);
  }

  async stat(path: string): Promise<SourceEntry | undefined> {
    return path === '' ? { path: '', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 } : this.#entries.get(path);
  }

  async list(path: string): Promise<string[]> {
    return [...(this.#children.get(path) ?? [])].sort();
  }

  async open(path: string): Promise<Readable> {
    const e = this.#entries.get(path);
    if (!e || e.type !== 'file') throw new InvalidArgument(`${path} is not a file in the build context`);
    if (e.size === 0) return Readable.from([]);
    return createReadStream(this.#spool, { start: e.offset, end: e.offset + e.size - 1 });
  }

  /** Context symlinks are copied as links, never followed, except as a path's parents. */
  async resolve(path: string): Promise<string> {
    const parts = path.split('/').filter(Boolean);
    const out: string[] = [];
    let hops = 0;
    while (parts.length) {
      const c = parts.shift()!;
      if (c === '.') continue;
      if (c === '..') {
        out.pop();
        continue;
      }
      const e = this.#entries.get([...out, c].join('/'));
      if (e?.type === 'symlink' && hops++ < 255) {
        if (e.linkname!.startsWith('/')) out.length = 0;
        parts.unshift(...e.linkname!.split('/'));
        continue;
      }
      out.push(c);
    }
    return out.join('/');
  }

  /** Every path, sorted (wildcard matching walks this). */
  paths(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /** Paths at and below `path` with their hashes: the COPY cache's view of a source. */
  hashesUnder(path: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const walk = (p: string) => {
      const e = this.#entries.get(p);
      if (e) out.push([p, e.hash]);
      for (const name of [...(this.#children.get(p) ?? [])].sort()) walk(p === '' ? name : `${p}/${name}`);
    };
    walk(path);
    return out;
  }

  async dispose(): Promise<void> {
    if (this.#reader) await (await this.#reader).close().catch(() => undefined);
    await rm(this.#dir, { recursive: true, force: true });
  }
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Tar names as clean relative paths; names escaping the root are refused. */
function entryPath(name: string): string {
  const parts: string[] = [];
  for (const c of name.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') throw new InvalidArgument(`invalid context: entry ${name} escapes the context`);
    parts.push(c);
  }
  return parts.join('/');
}
