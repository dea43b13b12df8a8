import { InvalidArgument } from './errors.js';
import { parseDigest, type Digest } from './digest.js';

/**
 * A normalised image reference: always has a domain (`docker.io` for Docker Hub)
 * and a full path (`library/busybox`). At least one of tag or digest is set unless
 * the caller parsed with `defaultTag: false`.
 */
export interface Reference {
  readonly domain: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
const LOCALHOST = 'localhost';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution/reference's regexp.go, piece for piece, so that
// anything Docker accepts parses here and anything it refuses is refused.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6address})(?::[0-9]+)?`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const ANCHORED_TAG_RE = new RegExp(`^${tagPat}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const SHORT_ID_RE = /^[a-f0-9]{1,64}$/;

function invalidFormat(): InvalidArgument {
  return new InvalidArgument('invalid reference format');
}

/**
 * Parses what a user types (`busybox`, `user/repo:1.0`, `localhost:5000/x@sha256:…`)
 * into a normalised reference, like Docker's `ParseNormalizedNamed` followed by
 * `TagNameOnly`. `defaultTag` (default true) adds `latest` when neither a tag
 * nor a digest is given.
 *
 * @example parseReference('busybox') // { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }
 * @throws InvalidArgument with Docker's wording.
 */
export function parseReference(s: string, opts: { defaultTag?: boolean } = {}): Reference {
  if (IDENTIFIER_RE.test(s)) {
    throw new InvalidArgument(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(s);
  const colon = remainder.indexOf(':');
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw new InvalidArgument(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const ref = parseCanonical(`${domain}/${remainder}`);
  if ((opts.defaultTag ?? true) && ref.tag === undefined && ref.digest === undefined) {
    return { ...ref, tag: DEFAULT_TAG };
  }
  return ref;
}

/**
 * Docker's `splitDockerDomain`: the first component is a domain only when it
 * looks like one (has `.` or `:`, is `localhost`, or has uppercase letters, which
 * a path may not).
 */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return [DEFAULT_DOMAIN, OFFICIAL_PREFIX + name];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === LOCALHOST) {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    [domain, remote] = [DEFAULT_DOMAIN, maybeRemote];
  } else if (/[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else {
    [domain, remote] = [DEFAULT_DOMAIN, name];
  }
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_PREFIX + remote;
  return [domain, remote];
}

/** Docker's `Parse`, applied to a name that already carries its domain. */
function parseCanonical(s: string): Reference {
  const m = REFERENCE_RE.exec(s);
  if (m === null) {
    const lower = s.toLowerCase();
    if (lower !== s && REFERENCE_RE.test(lower)) {
      throw new InvalidArgument('repository name must be lowercase');
    }
    throw invalidFormat();
  }
  const name = m[1]!;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidArgument(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const nm = ANCHORED_NAME_RE.exec(name);
  // Docker lets a name like `foo_bar.com/x` through with an empty domain
  // (`_` cannot be in a host name). Berth refuses it: every Reference must
  // name the registry it lives in.
  if (nm === null || nm[1] === undefined) throw invalidFormat();
  const ref: { domain: string; path: string; tag?: string; digest?: Digest } = { domain: nm[1], path: nm[2]! };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = parseDigest(m[3]);
  return ref;
}

/**
 * Validates a tag given on its own (`docker tag`'s target tag, the API's `tag` parameter).
 * @throws InvalidArgument(`invalid tag format`)
 */
export function parseTag(s: string): string {
  if (!ANCHORED_TAG_RE.test(s)) throw new InvalidArgument('invalid tag format');
  return s;
}

/**
 * Combines the Engine API's separate `repo`/`fromImage` and `tag` parameters.
 * `tag` may be a digest (`docker pull x@sha256:…` sends it there), which then
 * replaces any tag of `repo`; a plain tag replaces `repo`'s tag and keeps its digest.
 * Without `tag` this is `parseReference(repo)`.
 */
export function parseRepositoryAndTag(repo: string, tag?: string): Reference {
  if (tag === undefined || tag === '') return parseReference(repo);
  const base = parseReference(repo, { defaultTag: false });
  if (tag.includes(':')) {
    return { domain: base.domain, path: base.path, digest: parseDigest(tag) };
  }
  const out: { domain: string; path: string; tag: string; digest?: Digest } = {
    domain: base.domain,
    path: base.path,
    tag: parseTag(tag),
  };
  if (base.digest !== undefined) out.digest = base.digest;
  return out;
}

/** Full name without tag or digest: `docker.io/library/busybox`. */
export function repositoryOf(r: Reference): string {
  return `${r.domain}/${r.path}`;
}

/** Full form: `docker.io/library/busybox:latest`, `docker.io/library/x@sha256:…`. */
export function formatReference(r: Reference): string {
  return repositoryOf(r) + suffixOf(r);
}

/** The name as Docker shows it: `busybox`, `user/repo`, `localhost:5000/x`. */
export function familiarName(r: Reference): string {
  if (r.domain !== DEFAULT_DOMAIN) return repositoryOf(r);
  if (r.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = r.path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return r.path;
}

/** Familiar name with `:tag` and/or `@digest`: `busybox:latest`. */
export function familiarString(r: Reference): string {
  return familiarName(r) + suffixOf(r);
}

function suffixOf(r: Reference): string {
  return (r.tag !== undefined ? `:${r.tag}` : '') + (r.digest !== undefined ? `@${r.digest}` : '');
}

/**
 * True for 1..64 lowercase hex characters, i.e. a possible image ID prefix.
 * Such a string (`abc`) may also be a valid name; the caller decides which wins.
 */
export function isShortIdCandidate(s: string): boolean {
  return SHORT_ID_RE.test(s);
}

/** True when two references name the same repository, tag and digest. */
export function referenceEquals(a: Reference, b: Reference): boolean {
  return a.domain === b.domain && a.path === b.path && a.tag === b.tag && a.digest === b.digest;
}
