import { InvalidArgument } from '../errors.js';
import { decodeRegistryAuth, encodeRegistryAuth, type AuthConfig } from './registry-auth.js';

/** Docker Hub's key in the X-Registry-Config map (and in config.json), kept for legacy reasons. */
const HUB_KEY = 'https://index.docker.io/v1/';

/**
 * Decodes POST /build's `X-Registry-Config` header: base64(url) JSON of registry -> AuthConfig,
 * the credentials a build may need to pull its base images. Empty means none.
 * @throws InvalidArgument when the header is not base64 JSON of that shape.
 */
export function decodeRegistryConfig(header: string | undefined): Record<string, AuthConfig> {
  if (header === undefined || header.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header.trim().replace(/\+/g, '-').replace(/\//g, '_'), 'base64url').toString('utf8'));
  } catch (err) {
    throw new InvalidArgument('invalid X-Registry-Config header: not base64-encoded JSON', { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const out: Record<string, AuthConfig> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    // The same normalisation as a single X-Registry-Auth (an `auth` field is split into username/password).
    out[key] = decodeRegistryAuth(encodeRegistryAuth(value as AuthConfig));
  }
  return out;
}

/** `https://host:5000/v2/` -> `host:5000`, as Docker's ConvertToHostname. */
function hostnameOf(url: string): string {
  const stripped = url.replace(/^https?:\/\//, '');
  return stripped.split('/', 1)[0]!;
}

/**
 * The credentials for registry `domain` (a reference's domain, `docker.io` for the Hub),
 * as Docker's ResolveAuthConfig: the exact key first, then any key whose host matches.
 */
export function resolveAuthConfig(configs: Readonly<Record<string, AuthConfig>>, domain: string): AuthConfig {
  const official = domain === 'docker.io' || domain === 'index.docker.io';
  const key = official ? HUB_KEY : domain;
  if (configs[key] !== undefined) return configs[key];
  if (official) return {};
  for (const [url, auth] of Object.entries(configs)) if (hostnameOf(url) === key) return auth;
  return {};
}
