import type { Extract } from 'tar-stream';

/** PAX records as raw bytes: xattr values (security.capability…) are binary, not UTF-8. */
export type PaxRecords = Map<string, Buffer>;

export const XATTR_PREFIX = 'SCHILY.xattr.';

/** Encodes `<len> <key>=<value>\n` records; `len` counts its own digits. */
export function encodePaxRecords(records: PaxRecords): Buffer {
  const out: Buffer[] = [];
  for (const [key, value] of records) {
    const body = Buffer.byteLength(key) + value.length + 3; // ' ', '=', '\n'
    let len = body + String(body).length;
    if (String(len).length !== String(body).length) len = body + String(len).length;
    out.push(Buffer.from(`${len} ${key}=`), value, Buffer.from('\n'));
  }
  return Buffer.concat(out);
}

/** Decodes PAX records, stopping quietly at the first malformed one (as tar-stream does). */
export function decodePaxRecords(buf: Buffer): PaxRecords {
  const out: PaxRecords = new Map();
  let off = 0;
  while (off < buf.length) {
    const sp = buf.indexOf(0x20, off);
    if (sp < 0) break;
    const len = Number.parseInt(buf.toString('latin1', off, sp), 10);
    if (!Number.isInteger(len) || len <= sp - off || off + len > buf.length) break;
    const rec = buf.subarray(sp + 1, off + len - 1); // without the trailing '\n'
    const eq = rec.indexOf(0x3d);
    if (eq < 0) break;
    out.set(rec.toString('utf8', 0, eq), Buffer.from(rec.subarray(eq + 1)));
    off += len;
  }
  return out;
}

/** `SCHILY.xattr.<name>` records as name → value. */
export function xattrsOf(records: PaxRecords): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [k, v] of records) if (k.startsWith(XATTR_PREFIX)) out.set(k.slice(XATTR_PREFIX.length), v);
  return out;
}

interface ExtractInternals {
  _header: { type?: string | null } | null;
  _decodeLongHeader?: (buf: Buffer) => void;
}

/**
 * tar-stream decodes PAX values as UTF-8 strings, which corrupts binary xattrs. This
 * taps its (private, tar-stream@3) long-header hook to keep each per-entry PAX header's
 * raw bytes; `take()` hands them to the entry that follows and clears them. If the hook
 * is absent (a future tar-stream), `take()` answers null and callers fall back to
 * `header.pax`, which is right for every text value.
 */
export function tapRawPax(extract: Extract): { take(): PaxRecords | null } {
  const ex = extract as unknown as ExtractInternals;
  const orig = ex._decodeLongHeader;
  let pending: PaxRecords | null = null;
  if (typeof orig === 'function') {
    ex._decodeLongHeader = function (this: ExtractInternals, buf: Buffer): void {
      if (this._header?.type === 'pax-header') pending = decodePaxRecords(buf);
      orig.call(this, buf);
    };
  }
  return {
    take() {
      const p = pending;
      pending = null;
      return p;
    },
  };
}

/** The records of an entry, preferring raw bytes; text-only fallback from tar-stream's header. */
export function entryPaxRecords(raw: PaxRecords | null, pax: Record<string, string> | null | undefined): PaxRecords {
  if (raw !== null) return raw;
  const out: PaxRecords = new Map();
  for (const [k, v] of Object.entries(pax ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}
