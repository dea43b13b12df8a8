import type { AuthConfig } from '../../core/wire/registry-auth.js';
import type { DaemonContext } from '../context.js';
import { registryLogin } from '../system/registry-login.js';
import { distributionInspect } from './distribution-inspect.js';

/** Binds the registry questions (distribution inspect, login) to one daemon context. */
export function distributionBackend(ctx: DaemonContext) {
  return {
    inspect: (name: string, auth: AuthConfig, signal?: AbortSignal) => distributionInspect(ctx, name, auth, signal),
    login: (auth: AuthConfig, signal?: AbortSignal) => registryLogin(ctx, auth, signal),
  };
}
