import { chmodSync, closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, lutimesSync, open, writeSync, writev, type Stats } from 'node:fs';
import { link, lutimes, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import type { Header } from 'tar-stream';
import { setAttribute } from 'fs-xattr';
import { Internal, messageOf } from '../core/errors.js';
import type { Logger } from '../util/logger.js';
import { checkParents, cleanEntryPath, lstatOrNull, refused } from './entry-path.js';
import { mknod } from './mknod.js';
import { xattrsOf, type PaxRecords } from './pax.js';
import {
  OVERLAY_OPAQUE_XATTR,
  OVERLAY_XATTR_PREFIX,
  WHITEOUT_META_PREFIX,
  WHITEOUT_OPAQUE,
  WHITEOUT_PREFIX,
} from './whiteout.js';

export type WhiteoutMode = 'overlay' | 'remove';

const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** File data is handed to write(2) in batches up to this size: one thread-pool round trip per MiB, not per 16 KiB chunk. */
const WRITE_BATCH = 1 << 20;
/** Entries up to this size are written synchronously: a page-cache write of a few KiB costs less than a round trip. */
const SMALL_FILE = 64 << 10;

const openFd = promisify(open);
const writevFd = promisify(writev);

export interface LayerWriterOptions {
  whiteouts: WhiteoutMode;
  logger: Logger;
  /**
   * Nothing but this writer changes `root` while it runs (a fresh snapshot being built), so a
   * directory checked once (lstat: a real directory, not a symlink) stays one until this
   * writer itself removes or replaces it, and is not checked again for every entry below it.
   * Off for trees others can change meanwhile (a running container's rootfs).
   */
  exclusive?: boolean;
}

/**
 * Applies tar entries, one at a time and in order, to the directory `root`.
 * Invariants: every path is cleaned and its parents checked with lstat before use (or known
 * checked, in exclusive mode), and the last component is created with O_EXCL/mkdir/symlink/
 * link, which never follow a symlink there, so nothing is created, changed or deleted through
 * a symlink or outside `root`; an entry replaces whatever is at its path (EEXIST: removed, made
 * again), except that a directory over a directory is kept and its metadata updated. Directory
 * mtimes are set by `finish()`, after their content.
 *
 * Speed: the per-entry cost is the thread-pool round trips, so the syscalls that cannot wait on
 * a disk for long (fchown, fchmod, futimes, close on an open descriptor; chown/chmod/utimes of a
 * path just created) run synchronously; open, mkdir, link, symlink and big writes stay async.
 */
export class LayerWriter {
  readonly #root: string;
  readonly #whiteouts: WhiteoutMode;
  readonly #log: Logger;
  /** Paths written by this layer and their ancestors; an opaque dir keeps these. */
  readonly #written = new Set<string>();
  readonly #dirTimes: Array<[string, Date]> = [];
  /** Apparent size of each non-directory this layer left, by relative path (hardlinks add none). */
  readonly #sizes = new Map<string, number>();
  /** Exclusive mode: relative paths known to be real directories (see LayerWriterOptions). */
  readonly #knownDirs: Set<string> | undefined;

  constructor(root: string, opts: LayerWriterOptions) {
    this.#root = root;
    this.#whiteouts = opts.whiteouts;
    this.#log = opts.logger;
    this.#knownDirs = opts.exclusive === true ? new Set() : undefined;
  }

  async apply(h: Header, content: AsyncIterable<Uint8Array>, pax: PaxRecords): Promise<void> {
    try {
      await this.#apply(h, content, pax);
    } finally {
      // The tar stream stalls until each entry's data is read, so always drain it.
      for await (const _ of content);
    }
  }

  /**
   * Apparent bytes of the files, symlinks and nodes written that are still there: what
   * diskUsage would count in a fresh snapshot, without walking it again. (A hardlink
   * counts once, with its first name; if that name is later removed the count misses it.)
   */
  get writtenBytes(): number {
    let n = 0;
    for (const v of this.#sizes.values()) n += v;
    return n;
  }

  async finish(): Promise<void> {
    for (const [abs, mtime] of this.#dirTimes) await lutimes(abs, mtime, mtime);
  }

  async #apply(h: Header, content: AsyncIterable<Uint8Array>, pax: PaxRecords): Promise<void> {
    const name = h.name;
    const rel = cleanEntryPath(name);
    const base = posix.basename(rel);
    if (rel !== '' && base.startsWith(WHITEOUT_PREFIX)) return this.#whiteout(name, rel, base, h);
    if (rel === '') {
      if (h.type !== 'directory') throw refused(name, 'only a directory may name the layer root');
      await this.#meta(this.#root, name, h, pax, 'directory');
      return;
    }
    await checkParents(this.#root, rel, name, true, 'path', this.#knownDirs);
    const abs = join(this.#root, rel);
    this.#markWritten(rel);
    switch (h.type) {
      case 'directory':
        await this.#replacing(rel, abs, () => mkdir(abs, { mode: 0o700 }), (st) => st.isDirectory());
        this.#knownDirs?.add(rel);
        return this.#meta(abs, name, h, pax, 'directory');
      case 'file':
      case 'contiguous-file':
        return this.#file(abs, rel, name, h, content, pax);
      case 'symlink': {
        const target = h.linkname ?? '';
        if (target.includes('\0')) throw refused(name, 'symlink target contains a NUL byte');
        await this.#replacing(rel, abs, () => symlink(target, abs));
        this.#sizes.set(rel, Buffer.byteLength(target));
        return this.#meta(abs, name, h, pax, 'symlink');
      }
      case 'link':
        return this.#hardlink(name, rel, abs, h.linkname ?? '');
      case 'character-device':
      case 'block-device':
      case 'fifo':
        await this.#clear(rel, abs, await lstatOrNull(abs));
        await mknod(abs, h.type === 'fifo' ? 'p' : h.type === 'character-device' ? 'c' : 'b', h.devmajor ?? 0, h.devminor ?? 0);
        this.#sizes.set(rel, 0);
        return this.#meta(abs, name, h, pax, 'node');
      default:
        throw refused(name, `unsupported entry type ${String(h.type)}`);
    }
  }

  /**
   * Runs `create`, which fails with EEXIST when something is at `abs` (it never follows a
   * symlink there); that something is then removed and `create` run again, unless `keep`
   * accepts it as it is (a directory over a directory).
   */
  async #replacing(rel: string, abs: string, create: () => Promise<unknown>, keep?: (st: Stats) => boolean): Promise<void> {
    try {
      await create();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const existing = await lstatOrNull(abs);
    if (existing !== null && keep?.(existing) === true) return;
    await this.#clear(rel, abs, existing);
    await create();
  }

  /** A regular file: created exclusively, data in large batches, metadata on the open descriptor. */
  async #file(abs: string, rel: string, name: string, h: Header, content: AsyncIterable<Uint8Array>, pax: PaxRecords): Promise<void> {
    let fd = -1;
    await this.#replacing(rel, abs, async () => {
      fd = await openFd(abs, CREATE_FILE, 0o600);
    });
    try {
      this.#sizes.set(rel, await writeContent(fd, content, (h.size ?? 0) <= SMALL_FILE));
      // Ownership, then mode (chown clears setuid), then xattrs (chown clears capabilities), then times.
      fchownSync(fd, ownerOf(h, pax, 'uid'), ownerOf(h, pax, 'gid'));
      fchmodSync(fd, (h.mode ?? 0o644) & 0o7777);
      await this.#xattrs(abs, name, pax);
      const mtime = h.mtime ?? new Date(0);
      futimesSync(fd, mtime, mtime);
    } finally {
      closeSync(fd);
    }
  }

  async #hardlink(name: string, rel: string, abs: string, linkname: string): Promise<void> {
    let target: string;
    try {
      target = cleanEntryPath(linkname);
    } catch {
      throw refused(name, `hardlink target ${JSON.stringify(linkname)} is absolute, escapes the layer root or is malformed`);
    }
    if (target === '') throw refused(name, 'hardlink to the layer root');
    const subject = `hardlink target ${JSON.stringify(linkname)}`;
    if (!(await checkParents(this.#root, target, name, false, subject, this.#knownDirs))) throw refused(name, `${subject} does not exist`);
    const targetAbs = join(this.#root, target);
    const st = await lstatOrNull(targetAbs);
    if (st === null) throw refused(name, `hardlink target ${JSON.stringify(linkname)} does not exist`);
    if (st.isDirectory()) throw refused(name, `hardlink target ${JSON.stringify(linkname)} is a directory`);
    if (target === rel) return;
    // link(2) does not follow a symlink target, so this links the symlink itself.
    await this.#replacing(rel, abs, () => link(targetAbs, abs));
  }

  async #whiteout(name: string, rel: string, base: string, h: Header): Promise<void> {
    const dirRel = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    const dirAbs = join(this.#root, dirRel);
    const create = this.#whiteouts === 'overlay';
    if (base === WHITEOUT_OPAQUE) {
      if (!(await checkParents(this.#root, rel, name, create, 'path', this.#knownDirs))) return;
      if (this.#whiteouts === 'overlay') await setAttribute(dirAbs, OVERLAY_OPAQUE_XATTR, 'y');
      else await this.#clearOpaque(dirRel);
      return;
    }
    if (base.startsWith(WHITEOUT_META_PREFIX)) {
      this.#log.debug('ignoring AUFS whiteout metadata entry', { entry: name });
      return;
    }
    const victim = base.slice(WHITEOUT_PREFIX.length);
    if (victim === '' || victim === '.' || victim === '..') throw refused(name, 'malformed whiteout name');
    const victimRel = dirRel === '' ? victim : `${dirRel}/${victim}`;
    if (!(await checkParents(this.#root, victimRel, name, create, 'path', this.#knownDirs))) return;
    const victimAbs = join(this.#root, victimRel);
    await this.#clear(victimRel, victimAbs, await lstatOrNull(victimAbs));
    if (this.#whiteouts === 'overlay') {
      await mknod(victimAbs, 'c', 0, 0);
      lchownSync(victimAbs, h.uid ?? 0, h.gid ?? 0);
    }
  }

  /** Flat-rootfs opaque dir: delete everything in it that this layer did not write. */
  async #clearOpaque(dirRel: string): Promise<void> {
    const dirAbs = join(this.#root, dirRel);
    for (const child of await readdir(dirAbs, { withFileTypes: true })) {
      const childRel = dirRel === '' ? child.name : `${dirRel}/${child.name}`;
      if (!this.#written.has(childRel)) await this.#clear(childRel, join(dirAbs, child.name), child);
      else if (child.isDirectory()) await this.#clearOpaque(childRel);
    }
  }

  #markWritten(rel: string): void {
    for (let p = rel; p !== '.' && !this.#written.has(p); p = posix.dirname(p)) this.#written.add(p);
  }

  /** Ownership, then mode (chown clears setuid), then xattrs (chown clears capabilities), then times. */
  async #meta(abs: string, name: string, h: Header, pax: PaxRecords, kind: 'directory' | 'node' | 'symlink'): Promise<void> {
    lchownSync(abs, ownerOf(h, pax, 'uid'), ownerOf(h, pax, 'gid'));
    const mtime = h.mtime ?? new Date(0);
    if (kind === 'symlink') {
      // fs-xattr follows symlinks, so a symlink's own xattrs cannot be set safely; they are skipped.
      lutimesSync(abs, mtime, mtime);
      return;
    }
    chmodSync(abs, (h.mode ?? (kind === 'directory' ? 0o755 : 0o644)) & 0o7777);
    await this.#xattrs(abs, name, pax);
    if (kind === 'directory') this.#dirTimes.push([abs, mtime]);
    else lutimesSync(abs, mtime, mtime);
  }

  /** Removes what is at `rel` (whatever it is) and forgets the directories that were there. */
  async #clear(rel: string, abs: string, existing: Stats | { isDirectory(): boolean } | null): Promise<void> {
    if (existing === null) return;
    await rm(abs, { recursive: true, force: true });
    this.#sizes.delete(rel);
    if (!existing.isDirectory()) return;
    const below = `${rel}/`;
    for (const p of this.#sizes.keys()) if (p.startsWith(below)) this.#sizes.delete(p);
    const known = this.#knownDirs;
    if (known !== undefined) for (const d of known) if (d === rel || d.startsWith(below)) known.delete(d);
  }

  async #xattrs(abs: string, name: string, pax: PaxRecords): Promise<void> {
    for (const [key, value] of xattrsOf(pax)) {
      if (key.startsWith(OVERLAY_XATTR_PREFIX)) {
        // A layer must not smuggle overlayfs metadata (redirects, opaque) into the upper dir.
        this.#log.warn('dropping overlay xattr from layer entry', { entry: name, xattr: key });
        continue;
      }
      try {
        await setAttribute(abs, key, value);
      } catch (err) {
        // security.* (capabilities, SELinux labels) may be refused by the host's LSM; the
        // rest of the layer is still usable. Any other namespace failing is a real error.
        if (key.startsWith('security.')) {
          this.#log.warn('cannot set xattr', { entry: name, xattr: key, error: messageOf(err) });
          continue;
        }
        throw new Internal(`cannot set xattr ${key} on tar entry ${JSON.stringify(name)}: ${messageOf(err)}`, { cause: err });
      }
    }
  }
}

/**
 * Streams an entry's data to `fd`. Chunks (16-256 KiB as gunzip makes them) are gathered
 * into one writev of up to WRITE_BATCH; a small entry is written synchronously.
 */
async function writeContent(fd: number, content: AsyncIterable<Uint8Array>, small: boolean): Promise<number> {
  let batch: Uint8Array[] = [];
  let batched = 0;
  let total = 0;
  const flush = async (): Promise<void> => {
    const bufs = batch;
    batch = [];
    batched = 0;
    if (small) for (const b of bufs) writeAllSync(fd, b);
    else await writevAll(fd, bufs);
  };
  for await (const chunk of content) {
    batch.push(chunk);
    batched += chunk.length;
    total += chunk.length;
    if (batched >= WRITE_BATCH) await flush();
  }
  if (batched > 0) await flush();
  return total;
}

function writeAllSync(fd: number, buf: Uint8Array): void {
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

async function writevAll(fd: number, bufs: Uint8Array[]): Promise<void> {
  let rest = bufs;
  while (rest.length > 0) {
    let n = (await writevFd(fd, rest)).bytesWritten;
    // A short write: drop what went out and send the remainder.
    let i = 0;
    while (i < rest.length && n >= rest[i]!.length) n -= rest[i++]!.length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = rest[0]!.subarray(n);
  }
}

function ownerOf(h: Header, pax: PaxRecords, key: 'uid' | 'gid'): number {
  return numberRecord(pax, key) ?? h[key] ?? 0;
}

function numberRecord(pax: PaxRecords, key: string): number | undefined {
  const v = pax.get(key);
  if (v === undefined) return undefined;
  const n = Number.parseInt(v.toString('latin1'), 10);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
