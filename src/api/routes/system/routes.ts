import type { Route } from '../../router.js';
import { sendJson } from '../../http.js';
import type { SystemBackend } from './backend.js';

export function systemRoutes(backend: SystemBackend): Route[] {
  const ping = async ({ res, method }: { res: import('node:http').ServerResponse; method: string }) => {
    res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
    res.setHeader('Pragma', 'no-cache');
    // "1" tells the docker CLI to use the legacy /build endpoint; BuildKit is not served.
    res.setHeader('Builder-Version', '1');
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
    res.end(method === 'HEAD' ? undefined : 'OK');
  };
  return [
    { method: 'GET', path: '/_ping', handler: ping },
    { method: 'HEAD', path: '/_ping', handler: ping },
    { method: 'GET', path: '/version', handler: async ({ res }) => sendJson(res, 200, backend.version()) },
    { method: 'GET', path: '/info', handler: async ({ res }) => sendJson(res, 200, await backend.info()) },
    {
      method: 'GET',
      path: '/system/df',
      handler: async ({ res, query, apiVersion }) => sendJson(res, 200, await backend.diskUsage({ types: query.getAll('type'), apiVersion })),
    },
  ];
}
