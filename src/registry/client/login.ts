import { Unauthorized } from '../../core/errors.js';
import type { AuthConfig } from '../../core/wire/registry-auth.js';
import { Authorizer } from './auth.js';
import { endpointsFor, DOCKER_HUB_DOMAIN, type RegistryHostsConfig } from './endpoints.js';
import { discard, send } from './http.js';

/**
 * Docker's login check: GET /v2/ on the registry; a Basic challenge is answered with
 * the credentials, a Bearer one by fetching a token for no scope (which a token server
 * grants only for valid credentials). Throws Unauthorized with the registry's words.
 */
export async function login(serverAddress: string, auth: AuthConfig, hosts: RegistryHostsConfig, signal?: AbortSignal): Promise<void> {
  const domain = registryDomain(serverAddress);
  const endpoints = await endpointsFor(domain, hosts, 'push');
  let lastError: unknown;
  for (const ep of endpoints) {
    const url = new URL(`${ep.base}/v2/`);
    let res;
    try {
      res = await send(url, { method: 'GET', skipVerify: ep.skipVerify, tls: ep.tls, signal });
    } catch (err) {
      lastError = err;
      continue;
    }
    await discard(res);
    if (res.status === 200) return;
    if (res.status !== 401) throw new Unauthorized(`login attempt to ${url.href} failed with status: ${res.status}`);
    const authorizer = new Authorizer(auth, ep.skipVerify, ep.tls);
    if (!authorizer.learn(res.headers['www-authenticate'])) throw new Unauthorized(`login attempt to ${url.href} failed with status: 401 Unauthorized`);
    const header = await authorizer.header([], signal);
    if (!header) throw new Unauthorized('unauthorized: no credentials given');
    const again = await send(url, { method: 'GET', headers: { Authorization: header }, skipVerify: ep.skipVerify, tls: ep.tls, signal });
    await discard(again);
    if (again.status === 200) return;
    throw new Unauthorized(`login attempt to ${url.href} failed with status: ${again.status} ${again.status === 401 ? 'Unauthorized' : ''}`.trim());
  }
  throw lastError;
}

/** `https://index.docker.io/v1/`, `http://host:5000`, `host:5000/` -> the registry's domain. */
export function registryDomain(serverAddress: string): string {
  let s = serverAddress.trim();
  s = s.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (s === '' || s === 'index.docker.io' || s === 'registry-1.docker.io' || s === 'docker.io') return DOCKER_HUB_DOMAIN;
  return s;
}
