import { constants, type Stats } from 'node:fs';
import { chmod, lchown, link, lutimes, mkdir, open, readdir, rm, symlink, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
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

/**
 * Applies tar entries, one at a time and in order, to the directory `root`.
 * Invariants: every path is cleaned and checked with lstat before use, so nothing is
 * created, changed or deleted through a symlink or outside `root`; an entry replaces
 * whatever is at its path, except that a directory over a directory is kept and its
 * metadata updated. Directory mtimes are set by `finish()`, after their content.
 */
export class LayerWriter {
  readonly #root: string;
  readonly #whiteouts: WhiteoutMode;
  readonly #log: Logger;
  /** Paths written by this layer and their ancestors; an opaque dir keeps these. */
  readonly #written = new Set<string>();
  readonly #dirTimes: Array<[string, Date]> = [];

  constructor(root: string, whiteouts: WhiteoutMode, log: Logger) {
    this.#root = root;
    this.#whiteouts = whiteouts;
    this.#log = log;
  }

  async apply(h: Header, content: AsyncIterable<Uint8Array>, pax: PaxRecords): Promise<void> {
    try {
      await this.#apply(h, content, pax);
    } finally {
      // The tar stream stalls until each entry's data is read, so always drain it.
      for await (const _ of content);
    }
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
    await checkParents(this.#root, rel, name, true);
    const abs = join(this.#root, rel);
    const existing = await lstatOrNull(abs);
    this.#markWritten(rel);
    switch (h.type) {
      case 'directory':
        if (existing === null || !existing.isDirectory()) {
          if (existing !== null) await rm(abs, { recursive: true, force: true });
          await mkdir(abs, { mode: 0o700 });
        }
        return this.#meta(abs, name, h, pax, 'directory');
      case 'file':
      case 'contiguous-file':
        await clear(abs, existing);
        await writeFile(abs, content);
        return this.#meta(abs, name, h, pax, 'node');
      case 'symlink': {
        const target = h.linkname ?? '';
        if (target.includes('\0')) throw refused(name, 'symlink target contains a NUL byte');
        await clear(abs, existing);
        await symlink(target, abs);
        return this.#meta(abs, name, h, pax, 'symlink');
      }
      case 'link':
        return this.#hardlink(name, rel, abs, existing, h.linkname ?? '');
      case 'character-device':
      case 'block-device':
      case 'fifo':
        await clear(abs, existing);
        await mknod(abs, h.type === 'fifo' ? 'p' : h.type === 'character-device' ? 'c' : 'b', h.devmajor ?? 0, h.devminor ?? 0);
        return this.#meta(abs, name, h, pax, 'node');
      default:
        throw refused(name, `unsupported entry type ${String(h.type)}`);
    }
  }

  async #hardlink(name: string, rel: string, abs: string, existing: Stats | null, linkname: string): Promise<void> {
    let target: string;
    try {
      target = cleanEntryPath(linkname);
    } catch {
      throw refused(name, `hardlink target ${JSON.stringify(linkname)} is absolute, escapes the layer root or is malformed`);
    }
    if (target === '') throw refused(name, 'hardlink to the layer root');
    const subject = `hardlink target ${JSON.stringify(linkname)}`;
    if (!(await checkParents(this.#root, target, name, false, subject))) throw refused(name, `${subject} does not exist`);
    const targetAbs = join(this.#root, target);
    const st = await lstatOrNull(targetAbs);
    if (st === null) throw refused(name, `hardlink target ${JSON.stringify(linkname)} does not exist`);
    if (st.isDirectory()) throw refused(name, `hardlink target ${JSON.stringify(linkname)} is a directory`);
    if (target === rel) return;
    await clear(abs, existing);
    // link(2) does not follow a symlink target, so this links the symlink itself.
    await link(targetAbs, abs);
  }

  async #whiteout(name: string, rel: string, base: string, h: Header): Promise<void> {
    const dirRel = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    const dirAbs = join(this.#root, dirRel);
    const create = this.#whiteouts === 'overlay';
    if (base === WHITEOUT_OPAQUE) {
      if (!(await checkParents(this.#root, rel, name, create))) return;
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
    if (!(await checkParents(this.#root, victimRel, name, create))) return;
    const victimAbs = join(this.#root, victimRel);
    await clear(victimAbs, await lstatOrNull(victimAbs));
    if (this.#whiteouts === 'overlay') {
      await mknod(victimAbs, 'c', 0, 0);
      await lchown(victimAbs, h.uid ?? 0, h.gid ?? 0);
    }
  }

  /** Flat-rootfs opaque dir: delete everything in it that this layer did not write. */
  async #clearOpaque(dirRel: string): Promise<void> {
    const dirAbs = join(this.#root, dirRel);
    for (const child of await readdir(dirAbs, { withFileTypes: true })) {
      const childRel = dirRel === '' ? child.name : `${dirRel}/${child.name}`;
      if (!this.#written.has(childRel)) await rm(join(dirAbs, child.name), { recursive: true, force: true });
      else if (child.isDirectory()) await this.#clearOpaque(childRel);
    }
  }

  #markWritten(rel: string): void {
    for (let p = rel; p !== '.' && !this.#written.has(p); p = posix.dirname(p)) this.#written.add(p);
  }

  /** Ownership, then mode (chown clears setuid), then xattrs (chown clears capabilities), then times. */
  async #meta(abs: string, name: string, h: Header, pax: PaxRecords, kind: 'directory' | 'node' | 'symlink'): Promise<void> {
    await lchown(abs, numberRecord(pax, 'uid') ?? h.uid ?? 0, numberRecord(pax, 'gid') ?? h.gid ?? 0);
    const mtime = h.mtime ?? new Date(0);
    if (kind === 'symlink') {
      // fs-xattr follows symlinks, so a symlink's own xattrs cannot be set safely; they are skipped.
      await lutimes(abs, mtime, mtime);
      return;
    }
    await chmod(abs, (h.mode ?? (kind === 'directory' ? 0o755 : 0o644)) & 0o7777);
    await this.#xattrs(abs, name, pax);
    if (kind === 'directory') this.#dirTimes.push([abs, mtime]);
    else await lutimes(abs, mtime, mtime);
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

async function clear(abs: string, existing: Stats | null): Promise<void> {
  if (existing !== null) await rm(abs, { recursive: true, force: true });
}

async function writeFile(abs: string, content: AsyncIterable<Uint8Array>): Promise<void> {
  const fh = await open(abs, CREATE_FILE, 0o600);
  try {
    for await (const chunk of content) await writeAll(fh, chunk);
  } finally {
    await fh.close();
  }
}

async function writeAll(fh: FileHandle, buf: Uint8Array): Promise<void> {
  for (let off = 0; off < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

function numberRecord(pax: PaxRecords, key: string): number | undefined {
  const v = pax.get(key);
  if (v === undefined) return undefined;
  const n = Number.parseInt(v.toString('latin1'), 10);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
