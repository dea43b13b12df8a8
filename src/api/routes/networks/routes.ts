import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from '../../../core/wire/networks.js';
import { readJsonBody, sendEmpty, sendJson } from '../../http.js';
import type { Route } from '../../router.js';
import type { NetworksBackend } from './backend.js';

export function networkRoutes(backend: NetworksBackend): Route[] {
  return [
    { method: 'GET', path: '/networks', handler: async ({ res, query }) => sendJson(res, 200, backend.list(query.get('filters') ?? undefined)) },
    {
      method: 'POST',
      path: '/networks/create',
      handler: async ({ raw, res }) => sendJson(res, 201, await backend.create(await readJsonBody<NetworkCreateRequest>(raw))),
    },
    { method: 'POST', path: '/networks/prune', handler: async ({ res, query }) => sendJson(res, 200, await backend.prune(query.get('filters') ?? undefined)) },
    { method: 'GET', path: '/networks/{id}', handler: async ({ res, params }) => sendJson(res, 200, backend.inspect(params.id!)) },
    {
      method: 'DELETE',
      path: '/networks/{id}',
      handler: async ({ res, params }) => {
        await backend.remove(params.id!);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/connect',
      handler: async ({ raw, res, params }) => {
        await backend.connect(params.id!, await readJsonBody<NetworkConnectRequest>(raw));
        sendEmpty(res, 200);
      },
    },
    {
      method: 'POST',
      path: '/networks/{id}/disconnect',
      handler: async ({ raw, res, params }) => {
        await backend.disconnect(params.id!, await readJsonBody<NetworkDisconnectRequest>(raw));
        sendEmpty(res, 200);
      },
    },
  ];
}
