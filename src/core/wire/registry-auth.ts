import { InvalidArgument } from '../errors.js';

/**
 * Docker's AuthConfig (swagger: AuthConfig): what `docker login` posts to /auth and
 * what the CLI sends, base64url-encoded JSON, in the `X-Registry-Auth` header.
 */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64(username:password), as config.json stores it. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  /** OAuth refresh token a registry may hand out at login. */
  identitytoken?: string;
  /** A bearer token to present as is. */
  registrytoken?: string;
}

/** The `X-Registry-Auth` value: base64url (padding optional) of the JSON AuthConfig. */
export function encodeRegistryAuth(auth: AuthConfig): string {
  return Buffer.from(JSON.stringify(auth), 'utf8').toString('base64url');
}

/**
 * Decodes an `X-Registry-Auth` header. Like Docker, an empty header means anonymous,
 * and both base64url and standard base64 are accepted (old clients send the latter).
 * A `auth` field without username/password is split into them.
 * @throws InvalidArgument when the header is not base64 JSON.
 */
export function decodeRegistryAuth(header: string | undefined): AuthConfig {
  if (header === undefined || header.trim() === '') return {};
  let parsed: unknown;
  try {
    const text = Buffer.from(header.trim().replace(/\+/g, '-').replace(/\//g, '_'), 'base64url').toString('utf8');
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgument('invalid X-Registry-Auth header: not base64url-encoded JSON', { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const out: AuthConfig = {};
  const raw = parsed as Record<string, unknown>;
  for (const k of ['username', 'password', 'auth', 'email', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    if (typeof raw[k] === 'string' && raw[k] !== '') out[k] = raw[k];
  }
  if (out.auth && out.username === undefined && out.password === undefined) {
    const plain = Buffer.from(out.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon > 0) {
      out.username = plain.slice(0, colon);
      out.password = plain.slice(colon + 1);
    }
  }
  return out;
}

/** POST /auth answer (swagger: SystemAuthResponse). */
export interface AuthResponse {
  Status: string;
  IdentityToken?: string;
}

/** GET /distribution/{name}/json (swagger: DistributionInspect). */
export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number; urls?: string[] };
  Platforms: Array<{ architecture: string; os: string; variant?: string; 'os.version'?: string }>;
}
