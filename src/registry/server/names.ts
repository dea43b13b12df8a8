import { isDigest, type Digest } from '../../core/digest.js';
import { RegistryError } from './errors.js';

/** The spec's `<name>` grammar: path components of lower-case alphanumerics joined by `.`, `_`, `__` or dashes. */
const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** Any algorithm-shaped digest, so a well-formed but unsupported one gets DIGEST_INVALID rather than "tag invalid". */
const ANY_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MAX_NAME = 255;

export type RepoName = string & { readonly __brand: 'RepoName' };

/** Validates a repository name; since no component may start with `_`, names never collide with `_layers` etc. on disk. */
export function parseRepoName(s: string): RepoName {
  if (s.length > MAX_NAME || !NAME_RE.test(s)) {
    throw new RegistryError('NAME_INVALID', { name: s }, {
      message: s.length > MAX_NAME ? 'repository name must not be more than 255 characters' : 'invalid repository name',
    });
  }
  return s as RepoName;
}

export function isTag(s: string): boolean {
  return TAG_RE.test(s);
}

/** A digest in a URL or query; anything but sha256 hex is DIGEST_INVALID (the store only verifies sha256). */
export function parseDigestParam(s: string | null | undefined): Digest {
  if (s && isDigest(s)) return s;
  throw new RegistryError('DIGEST_INVALID', { digest: s ?? '' }, {
    message: s && ANY_DIGEST_RE.test(s) ? 'unsupported digest algorithm' : 'invalid digest',
  });
}

export type ManifestRef = { kind: 'tag'; tag: string } | { kind: 'digest'; digest: Digest };

/** `<tag-or-digest>`: a string with a colon is a digest, anything else must be a valid tag. */
export function parseManifestRef(s: string): ManifestRef {
  if (s.includes(':')) return { kind: 'digest', digest: parseDigestParam(s) };
  if (!isTag(s)) throw new RegistryError('MANIFEST_INVALID', { tag: s }, { message: 'invalid tag' });
  return { kind: 'tag', tag: s };
}
