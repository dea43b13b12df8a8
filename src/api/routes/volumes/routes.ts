import type { Route } from '../../router.js';
import { queryBool, readJsonBody, sendEmpty, sendJson } from '../../http.js';
import type { VolumeCreateOptions } from '../../../core/wire/volumes.js';
import type { VolumesBackend } from './backend.js';

export function volumeRoutes(backend: VolumesBackend): Route[] {
  return [
    { method: 'GET', path: '/volumes', handler: async ({ res, query }) => sendJson(res, 200, backend.list(query.get('filters') ?? undefined)) },
    {
      method: 'POST',
      path: '/volumes/create',
      handler: async ({ raw, res }) => sendJson(res, 201, await backend.create(await readJsonBody<VolumeCreateOptions>(raw))),
    },
    {
      method: 'POST',
      path: '/volumes/prune',
      handler: async ({ res, query, apiVersion }) => sendJson(res, 200, await backend.prune(query.get('filters') ?? undefined, apiVersion)),
    },
    { method: 'GET', path: '/volumes/{volume}', handler: async ({ res, params }) => sendJson(res, 200, backend.inspect(params.volume!)) },
    {
      method: 'DELETE',
      path: '/volumes/{volume}',
      handler: async ({ res, params, query }) => {
        await backend.remove(params.volume!, queryBool(query, 'force'));
        sendEmpty(res, 204);
      },
    },
  ];
}
