import type { AuthConfig, AuthResponse, DistributionInspect } from '../../../core/wire/registry-auth.js';
import { decodeRegistryAuth } from '../../../core/wire/registry-auth.js';
import { InvalidArgument } from '../../../core/errors.js';
import { readJsonBody, sendJson } from '../../http.js';
import type { Route } from '../../router.js';

export interface DistributionBackend {
  inspect(name: string, auth: AuthConfig, signal?: AbortSignal): Promise<DistributionInspect>;
  login(auth: AuthConfig, signal?: AbortSignal): Promise<AuthResponse>;
}

/** GET /distribution/{name}/json and POST /auth: the registry questions a client asks the daemon. */
export function distributionRoutes(backend: DistributionBackend): Route[] {
  return [
    {
      method: 'GET',
      path: '/distribution/{name}/json',
      handler: async ({ raw, res, params, signal }) => {
        const auth = decodeRegistryAuth(raw.headers['x-registry-auth'] as string | undefined);
        sendJson(res, 200, await backend.inspect(params.name!, auth, signal));
      },
    },
    {
      method: 'POST',
      path: '/auth',
      handler: async ({ raw, res, signal }) => {
        const body = await readJsonBody<AuthConfig>(raw);
        if (!body || typeof body !== 'object') throw new InvalidArgument('login needs a JSON AuthConfig body');
        // The body has the header's shape; one decoder keeps the two readings identical.
        const auth = decodeRegistryAuth(Buffer.from(JSON.stringify(body)).toString('base64url'));
        sendJson(res, 200, await backend.login(auth, signal));
      },
    },
  ];
}
