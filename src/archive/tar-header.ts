import { encodePaxRecords, XATTR_PREFIX, type PaxRecords } from './pax.js';

export const BLOCK = 512;
/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

export type EntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';

const TYPEFLAG: Record<EntryType, string> = {
  file: '0',
  link: '1',
  symlink: '2',
  'character-device': '3',
  'block-device': '4',
  directory: '5',
  fifo: '6',
};

export interface TarHeader {
  /** Entry name; directories should end in '/'. */
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds are kept, as Docker does. */
  mtime: Date;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
}

const MAX_OCTAL7 = 0o7777777;
const MAX_OCTAL11 = 0o77777777777;

/**
 * The header block(s) for one entry. Our own writer (rather than tar-stream's pack)
 * because PAX xattr values must be written as raw bytes. Anything that does not fit
 * USTAR (non-ASCII or long names, big ids or sizes, xattrs) goes in a PAX 'x' header,
 * and the USTAR fields then carry a truncated stand-in, as Go's archive/tar does.
 */
export function encodeHeader(h: TarHeader): Buffer {
  const pax: PaxRecords = new Map();
  const linkname = h.linkname ?? '';
  if (!fitsUstar(h.name)) pax.set('path', Buffer.from(h.name));
  if (!fitsUstar(linkname)) pax.set('linkpath', Buffer.from(linkname));
  if (h.size > MAX_OCTAL11) pax.set('size', Buffer.from(String(h.size)));
  if (h.uid > MAX_OCTAL7) pax.set('uid', Buffer.from(String(h.uid)));
  if (h.gid > MAX_OCTAL7) pax.set('gid', Buffer.from(String(h.gid)));
  for (const [k, v] of [...(h.xattrs ?? new Map<string, Buffer>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    pax.set(XATTR_PREFIX + k, v);
  }
  const main = ustarBlock({ ...h, linkname });
  if (pax.size === 0) return main;
  const body = encodePaxRecords(pax);
  const paxHead = ustarBlock({
    name: standIn(`PaxHeaders/${h.name}`),
    type: 'file',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: h.mtime,
    linkname: '',
  }, 'x');
  return Buffer.concat([paxHead, body, Buffer.alloc(padding(body.length)), main]);
}

/** Zero bytes that pad `size` bytes of data to a whole block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function fitsUstar(s: string): boolean {
  return Buffer.byteLength(s) <= 100 && /^[\x01-\x7f]*$/.test(s);
}

function standIn(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);
}

function ustarBlock(h: TarHeader & { linkname: string }, typeflag = TYPEFLAG[h.type]): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fitsUstar(h.name) ? h.name : standIn(h.name), 0, 100, 'latin1');
  octal(b, 100, 8, h.mode & 0o7777);
  octal(b, 108, 8, Math.min(h.uid, MAX_OCTAL7));
  octal(b, 116, 8, Math.min(h.gid, MAX_OCTAL7));
  octal(b, 124, 12, Math.min(h.size, MAX_OCTAL11));
  octal(b, 136, 12, Math.max(0, Math.floor(h.mtime.getTime() / 1000)));
  b.write(typeflag, 156, 1, 'latin1');
  b.write(fitsUstar(h.linkname) ? h.linkname : standIn(h.linkname), 157, 100, 'latin1');
  b.write('ustar\x0000', 257, 8, 'latin1');
  octal(b, 329, 8, Math.min(h.devmajor ?? 0, MAX_OCTAL7));
  octal(b, 337, 8, Math.min(h.devminor ?? 0, MAX_OCTAL7));
  b.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, off: number, len: number, n: number): void {
  b.write(n.toString(8).padStart(len - 1, '0') + '\0', off, len, 'latin1');
}
