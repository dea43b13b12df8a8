import type { Route } from '../../router.js';
import { queryBool, readJsonBody, sendEmpty, sendJson } from '../../http.js';
import type { StatsOptions, StatsResponse, TopResult } from '../../../core/wire/container-ops.js';
import type { ContainerUpdateBody } from '../../../core/wire/containers.js';

/** Container operations on a live container: pause, top, stats, update. */
export interface ContainerOpsBackend {
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  top(ref: string, psArgs: string | undefined): Promise<TopResult>;
  /** Resolves the container at once (a 404 before any frame), then samples. */
  stats(ref: string, opts: StatsOptions): AsyncIterable<StatsResponse>;
  update(ref: string, body: ContainerUpdateBody | undefined): Promise<{ Warnings: string[] }>;
}

export function containerOpsRoutes(backend: ContainerOpsBackend): Route[] {
  return [
    {
      method: 'POST',
      path: '/containers/{id}/pause',
      handler: async ({ res, params }) => {
        await backend.pause(params.id!);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/unpause',
      handler: async ({ res, params }) => {
        await backend.unpause(params.id!);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'GET',
      path: '/containers/{id}/top',
      handler: async ({ res, params, query }) => sendJson(res, 200, await backend.top(params.id!, query.get('ps_args') ?? undefined)),
    },
    {
      method: 'GET',
      path: '/containers/{id}/stats',
      handler: async ({ res, params, query, signal }) => {
        // Docker streams unless told stream=0.
        const stream = query.get('stream') === null ? true : queryBool(query, 'stream');
        const frames = backend.stats(params.id!, { stream, oneShot: queryBool(query, 'one-shot'), signal });
        if (!stream) {
          for await (const f of frames) return sendJson(res, 200, f);
          return sendJson(res, 200, {});
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        for await (const f of frames) {
          if (res.destroyed) break;
          res.write(JSON.stringify(f) + '\n');
        }
        res.end();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/update',
      handler: async ({ raw, res, params }) => {
        const body = await readJsonBody<ContainerUpdateBody>(raw);
        sendJson(res, 200, await backend.update(params.id!, body));
      },
    },
  ];
}
