import { InvalidArgument } from './errors.js';

/** A content digest such as `sha256:<64 hex>`; only made by `parseDigest` or hashing. */
export type Digest = string & { readonly __brand: 'Digest' };

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

/** Parses `sha256:<hex>`; other algorithms are refused since the store only verifies sha256. */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) {
    if (/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(s) && !s.startsWith('sha256:')) {
      throw new InvalidArgument(`unsupported digest algorithm: ${s}`);
    }
    throw new InvalidArgument(`invalid digest format: ${s}`);
  }
  return s;
}

export function digestFromHex(hex: string): Digest {
  return parseDigest(`sha256:${hex}`);
}

/** The hex part, used for file names. */
export function digestHex(d: Digest): string {
  return d.slice('sha256:'.length);
}

/** Docker's short image ID: 12 hex characters. */
export function shortId(d: Digest | string): string {
  return (d.startsWith('sha256:') ? d.slice(7) : d).slice(0, 12);
}
