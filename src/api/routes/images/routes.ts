import { pipeline } from 'node:stream/promises';
import { NotImplemented } from '../../../core/errors.js';
import type { Route } from '../../router.js';
import { queryBool, sendEmpty, sendJson } from '../../http.js';
import { JsonStream } from '../../stream/json-stream.js';
import { streamProgress } from '../../stream/progress-stream.js';
import { decodeRegistryAuth } from '../../../core/wire/registry-auth.js';
import type { ImagesBackend } from './backend.js';

export function imageRoutes(backend: ImagesBackend): Route[] {
  return [
    {
      method: 'GET',
      path: '/images/json',
      handler: async ({ res, query, apiVersion }) =>
        sendJson(res, 200, await backend.list({ all: queryBool(query, 'all'), filters: query.get('filters') ?? undefined, apiVersion })),
    },
    {
      method: 'POST',
      path: '/images/create',
      handler: async ({ raw, res, query, signal }) => {
        const fromSrc = query.get('fromSrc');
        const fromImage = query.get('fromImage');
        if (fromImage && !fromSrc) {
          const auth = decodeRegistryAuth(raw.headers['x-registry-auth'] as string | undefined);
          const input = { fromImage, tag: query.get('tag') ?? undefined, platform: query.get('platform') || undefined, auth, signal };
          return streamProgress(res, (progress) => backend.pull({ ...input, progress }));
        }
        if (fromSrc !== '-') {
          throw new NotImplemented('only fromSrc=- (import from the request body) is supported');
        }
        const result = await backend.import(raw, {
          repo: query.get('repo') ?? undefined,
          tag: query.get('tag') ?? undefined,
          changes: query.getAll('changes'),
          message: query.get('message') ?? undefined,
          platform: query.get('platform') ?? undefined,
          signal,
        });
        const out = new JsonStream(res);
        out.write({ status: result.id });
        out.end();
      },
    },
    {
      method: 'POST',
      path: '/images/load',
      handler: async ({ raw, res, query, signal }) => {
        const loaded = await backend.load(raw, signal);
        const out = new JsonStream(res);
        for (const img of loaded) {
          if (img.tags.length === 0) out.write({ stream: `Loaded image ID: ${img.id}\n` });
          for (const t of img.tags) out.write({ stream: `Loaded image: ${t}\n` });
        }
        out.end();
      },
    },
    {
      method: 'GET',
      path: '/images/get',
      handler: async ({ res, query, signal }) => {
        const names = query.getAll('names').flatMap((n) => n.split(',')).filter(Boolean);
        const tar = backend.save(names);
        res.writeHead(200, { 'Content-Type': 'application/x-tar' });
        await pipeline(tar, res, { signal });
      },
    },
    { method: 'POST', path: '/images/prune', handler: async ({ res, query }) => sendJson(res, 200, await backend.prune(query.get('filters') ?? undefined)) },
    {
      method: 'GET',
      path: '/images/{name}/get',
      handler: async ({ res, params, signal }) => {
        const tar = backend.save([params.name!]);
        res.writeHead(200, { 'Content-Type': 'application/x-tar' });
        await pipeline(tar, res, { signal });
      },
    },
    {
      method: 'POST',
      path: '/images/{name}/push',
      handler: async ({ raw, res, params, query, signal }) => {
        const auth = decodeRegistryAuth(raw.headers['x-registry-auth'] as string | undefined);
        const input = { name: params.name!, tag: query.get('tag') ?? undefined, auth, signal };
        return streamProgress(res, (progress) => backend.push({ ...input, progress }));
      },
    },
    { method: 'GET', path: '/images/{name}/json', handler: async ({ res, params, apiVersion }) => sendJson(res, 200, await backend.inspect(params.name!, apiVersion)) },
    { method: 'GET', path: '/images/{name}/history', handler: async ({ res, params }) => sendJson(res, 200, await backend.history(params.name!)) },
    {
      method: 'POST',
      path: '/images/{name}/tag',
      handler: async ({ res, params, query }) => {
        await backend.tag(params.name!, query.get('repo') ?? undefined, query.get('tag') ?? undefined);
        sendEmpty(res, 201);
      },
    },
    {
      method: 'DELETE',
      path: '/images/{name}',
      handler: async ({ res, params, query }) =>
        sendJson(res, 200, await backend.remove(params.name!, queryBool(query, 'force'), queryBool(query, 'noprune'))),
    },
  ];
}
