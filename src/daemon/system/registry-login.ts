import type { AuthConfig, AuthResponse } from '../../core/wire/registry-auth.js';
import { DOCKER_HUB_INDEX, login } from '../../registry/client/index.js';
import type { DaemonContext } from '../context.js';
import { registryHosts } from '../images/registry-access.js';

/** POST /auth: checks the credentials against the registry; nothing is stored by the daemon. */
export async function registryLogin(ctx: DaemonContext, auth: AuthConfig, signal?: AbortSignal): Promise<AuthResponse> {
  await login(auth.serveraddress || DOCKER_HUB_INDEX, auth, registryHosts(ctx), signal);
  return { Status: 'Login Succeeded', IdentityToken: '' };
}
