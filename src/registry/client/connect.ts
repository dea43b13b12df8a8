import { messageOf } from '../../core/errors.js';
import type { Reference } from '../../core/reference.js';
import type { AuthConfig } from '../../core/wire/registry-auth.js';
import type { Logger } from '../../util/logger.js';
import { Authorizer } from './auth.js';
import { endpointsFor, type RegistryHostsConfig } from './endpoints.js';
import { RegistryRepository } from './repository.js';

export interface ConnectOptions {
  hosts: RegistryHostsConfig;
  /** Credentials the client sent (X-Registry-Auth); never sent to mirrors. */
  auth: AuthConfig;
  purpose: 'pull' | 'push';
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * Runs `work` against the reference's repository on the first endpoint that answers,
 * as Docker's endpoint loop: an endpoint that cannot be reached (refused, TLS
 * mismatch on a plain HTTP registry) is skipped; a mirror that fails `work` falls
 * through to the next endpoint; the last endpoint's error is the answer.
 */
export async function withRepository<T>(ref: Reference, opts: ConnectOptions, work: (repo: RegistryRepository) => Promise<T>): Promise<T> {
  const endpoints = await endpointsFor(ref.domain, opts.hosts, opts.purpose);
  let lastError: unknown;
  for (const [i, ep] of endpoints.entries()) {
    const last = i === endpoints.length - 1;
    const repo = new RegistryRepository(ep, ref.path, new Authorizer(ep.mirror ? {} : opts.auth, ep.skipVerify, ep.tls), opts.purpose === 'push' ? 'pull,push' : 'pull');
    try {
      await repo.ping(opts.signal);
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      opts.logger?.debug('registry endpoint does not answer', { endpoint: ep.base, error: messageOf(err) });
      lastError = err;
      if (last) throw err;
      continue;
    }
    try {
      return await work(repo);
    } catch (err) {
      if (!ep.mirror || last || opts.signal?.aborted) throw err;
      opts.logger?.info('pull from mirror failed, trying the next endpoint', { endpoint: ep.base, error: messageOf(err) });
      lastError = err;
    }
  }
  throw lastError;
}
