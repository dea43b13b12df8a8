import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { getAttribute, listAttributes } from 'fs-xattr';
import { Internal } from '../core/errors.js';
import { encodeHeader, END_OF_ARCHIVE, padding, type TarHeader } from './tar-header.js';
import {
  isOverlayWhiteout,
  OVERLAY_OPAQUE_XATTR,
  OVERLAY_XATTR_PREFIX,
  WHITEOUT_OPAQUE,
  WHITEOUT_PREFIX,
} from './whiteout.js';

export interface PackOptions {
  /**
   * 'overlay-to-oci': `root` is an overlay upper dir (commit); 0/0 char devices become
   * `.wh.<name>` files, opaque dirs get a `.wh..wh..opq` entry, and overlayfs' own
   * `trusted.overlay.*` xattrs are left out.
   */
  whiteouts?: 'overlay-to-oci';
  /**
   * Called with each path relative to `root` (`etc/passwd`); false leaves the path out,
   * and for a directory its whole subtree.
   */
  include?: (relPath: string) => boolean;
}

const READ_CHUNK = 64 * 1024;

/**
 * A tar of the tree under `root` (the root itself has no entry), in a deterministic
 * order (names sorted at every level, parents before children). Keeps uid/gid, mode,
 * whole-second mtimes, symlinks, devices, fifos and xattrs (as PAX `SCHILY.xattr.*`);
 * a second path to an inode already written becomes a hardlink entry. Sockets are
 * skipped, as Docker does. Content is read as the consumer pulls, one chunk at a time;
 * destroying the stream stops the walk and closes the open file.
 *
 * @example
 *   await pipeline(packDirectory(upper, { whiteouts: 'overlay-to-oci' }), createGzip(), out);
 */
export function packDirectory(root: string, opts: PackOptions = {}): Readable {
  return Readable.from(tarOf(root, opts), { objectMode: false });
}

interface Walk {
  root: string;
  opts: PackOptions;
  /** `dev:ino` → first name written, for hardlink detection. */
  inodes: Map<string, string>;
}

async function* tarOf(root: string, opts: PackOptions): AsyncGenerator<Buffer> {
  yield* walkDir({ root, opts, inodes: new Map() }, '');
  yield END_OF_ARCHIVE;
}

async function* walkDir(w: Walk, dirRel: string): AsyncGenerator<Buffer> {
  const names = (await readdir(join(w.root, dirRel))).sort();
  for (const name of names) {
    const rel = dirRel === '' ? name : `${dirRel}/${name}`;
    if (w.opts.include !== undefined && !w.opts.include(rel)) continue;
    yield* entryOf(w, rel, dirRel, name);
  }
}

async function* entryOf(w: Walk, rel: string, dirRel: string, name: string): AsyncGenerator<Buffer> {
  const abs = join(w.root, rel);
  const st = await lstat(abs);
  const toOci = w.opts.whiteouts === 'overlay-to-oci';
  const base = { uid: st.uid, gid: st.gid, mtime: st.mtime, size: 0, mode: st.mode & 0o7777 };
  // Before hardlink detection: overlayfs may share one whiteout inode between paths.
  if (toOci && isOverlayWhiteout(st)) {
    const wh = dirRel === '' ? WHITEOUT_PREFIX + name : `${dirRel}/${WHITEOUT_PREFIX}${name}`;
    yield encodeHeader({ ...base, name: wh, type: 'file', mode: 0 });
    return;
  }
  if (st.isSocket()) return;
  if (!st.isDirectory() && st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    const first = w.inodes.get(key);
    if (first !== undefined) {
      yield encodeHeader({ ...base, name: rel, type: 'link', linkname: first });
      return;
    }
    w.inodes.set(key, rel);
  }
  const xattrs = st.isSymbolicLink() ? new Map<string, Buffer>() : await xattrsOf(abs, toOci);
  const header: TarHeader = { ...base, name: rel, type: 'file', xattrs };
  if (st.isDirectory()) {
    yield encodeHeader({ ...header, name: `${rel}/`, type: 'directory' });
    if (toOci && (await isOpaque(abs))) {
      yield encodeHeader({ ...base, name: `${rel}/${WHITEOUT_OPAQUE}`, type: 'file', mode: 0 });
    }
    yield* walkDir(w, rel);
  } else if (st.isFile()) {
    yield encodeHeader({ ...header, size: st.size });
    yield* fileContent(abs, st.size);
    yield Buffer.alloc(padding(st.size));
  } else if (st.isSymbolicLink()) {
    yield encodeHeader({ ...header, type: 'symlink', linkname: await readlink(abs) });
  } else if (st.isCharacterDevice() || st.isBlockDevice()) {
    const type = st.isCharacterDevice() ? 'character-device' : 'block-device';
    yield encodeHeader({ ...header, type, devmajor: major(st), devminor: minor(st) });
  } else if (st.isFIFO()) {
    yield encodeHeader({ ...header, type: 'fifo' });
  }
}

/** Exactly `size` bytes (the size in the header already written), in fresh buffers. */
async function* fileContent(abs: string, size: number): AsyncGenerator<Buffer> {
  const fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    for (let left = size; left > 0; ) {
      const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, left));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) throw new Internal(`file ${abs} shrank while it was being archived`);
      left -= bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function xattrsOf(abs: string, toOci: boolean): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  let names: string[];
  try {
    names = await listAttributes(abs);
  } catch (err) {
    if (isUnsupported(err)) return out; // filesystem without xattrs
    throw err;
  }
  for (const name of names) {
    if (toOci && name.startsWith(OVERLAY_XATTR_PREFIX)) continue;
    out.set(name, await getAttribute(abs, name));
  }
  return out;
}

async function isOpaque(dir: string): Promise<boolean> {
  try {
    return (await getAttribute(dir, OVERLAY_OPAQUE_XATTR)).toString() === 'y';
  } catch {
    return false;
  }
}

function isUnsupported(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOTSUP' || code === 'EOPNOTSUPP';
}

/** glibc's gnu_dev_major/minor on the 64-bit dev_t lstat reports. */
function major(st: Stats): number {
  const hi = Math.floor(st.rdev / 2 ** 32);
  return ((st.rdev >>> 8) & 0xfff) | (hi & ~0xfff);
}

function minor(st: Stats): number {
  return (st.rdev & 0xff) | ((st.rdev >>> 12) & 0xfff00);
}

