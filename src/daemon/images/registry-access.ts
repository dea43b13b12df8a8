import type { AuthConfig } from '../../core/wire/registry-auth.js';
import type { Reference } from '../../core/reference.js';
import { withRepository, type RegistryHostsConfig, type RegistryRepository } from '../../registry/client/index.js';
import type { DaemonContext } from '../context.js';

const NO_REGISTRY_CONFIG: RegistryHostsConfig = { insecureRegistries: [], registryMirrors: [] };

/** The daemon's registry settings (insecure-registries, registry-mirrors). */
export function registryHosts(ctx: DaemonContext): RegistryHostsConfig {
  return ctx.registry ?? NO_REGISTRY_CONFIG;
}

/** Runs `work` on the reference's repository, reached as the daemon's configuration says. */
export function onRepository<T>(
  ctx: DaemonContext,
  ref: Reference,
  purpose: 'pull' | 'push',
  auth: AuthConfig,
  signal: AbortSignal | undefined,
  work: (repo: RegistryRepository) => Promise<T>,
): Promise<T> {
  return withRepository(ref, { hosts: registryHosts(ctx), auth, purpose, logger: ctx.logger, signal }, work);
}
