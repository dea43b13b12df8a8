import type { JsonMessage } from '../core/wire/images.js';
import { encodeRegistryAuth, type AuthConfig, type AuthResponse, type DistributionInspect } from '../core/wire/registry-auth.js';
import { jsonMessages } from './json-messages.js';
import type { Transport } from './transport.js';

/**
 * Registry calls of the Engine API, as Docker's CLI makes them: credentials travel in
 * `X-Registry-Auth` (base64url JSON; `{}` when anonymous), never in the query.
 */
export function authHeader(auth: AuthConfig | undefined): Record<string, string> {
  return { 'X-Registry-Auth': encodeRegistryAuth(auth ?? {}) };
}

/** POST /images/create?fromImage=&tag=&platform=: the pull's JSON progress stream. */
export async function imagePull(
  t: Transport,
  opts: { fromImage: string; tag?: string; platform?: string; auth?: AuthConfig; signal?: AbortSignal },
): Promise<AsyncGenerator<JsonMessage>> {
  const res = await t.request('POST', '/images/create', {
    query: { fromImage: opts.fromImage, tag: opts.tag ?? '', platform: opts.platform },
    headers: authHeader(opts.auth),
    signal: opts.signal,
  });
  return jsonMessages(res);
}

/** POST /images/{name}/push?tag=: an empty tag pushes every local tag of the repository. */
export async function imagePush(t: Transport, opts: { name: string; tag?: string; auth?: AuthConfig; signal?: AbortSignal }): Promise<AsyncGenerator<JsonMessage>> {
  const res = await t.request('POST', `/images/${encodeURIComponent(opts.name)}/push`, {
    query: { tag: opts.tag ?? '' },
    headers: authHeader(opts.auth),
    signal: opts.signal,
  });
  return jsonMessages(res);
}

/** POST /auth: the daemon checks the credentials against the registry. */
export function registryLogin(t: Transport, auth: AuthConfig): Promise<AuthResponse> {
  return t.json('POST', '/auth', { json: auth });
}

export function distributionInspect(t: Transport, name: string, auth?: AuthConfig): Promise<DistributionInspect> {
  return t.json('GET', `/distribution/${encodeURIComponent(name)}/json`, { headers: authHeader(auth) });
}
