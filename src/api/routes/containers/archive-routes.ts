import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ServerResponse } from 'node:http';
import { InvalidArgument } from '../../../core/errors.js';
import type { ContainerCreateConfig } from '../../../core/wire/containers.js';
import type { CommitRequest, ContainerPathStat, FilesystemChange } from '../../../core/wire/container-fs.js';
import type { Route } from '../../router.js';
import { queryBool, readJsonBody, sendEmpty, sendJson } from '../../http.js';

/** Container file-system operations: diff, commit, export and cp. */
export interface ContainerFsBackend {
  changes(ref: string): Promise<FilesystemChange[]>;
  commit(input: CommitRequest): Promise<{ Id: string }>;
  export(ref: string): Promise<Readable>;
  statPath(ref: string, path: string): Promise<ContainerPathStat>;
  archive(ref: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }>;
  extract(ref: string, path: string, source: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean; signal?: AbortSignal }): Promise<void>;
}

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function statHeader(stat: ContainerPathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

function requiredPath(query: URLSearchParams): string {
  const path = query.get('path');
  if (!path) throw new InvalidArgument('Path cannot be empty');
  return path;
}

/** Streams a tar; a failure after the headers went out can only cut the connection. */
async function sendTar(res: ServerResponse, tar: Readable, headers: Record<string, string> = {}): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/x-tar', ...headers });
  try {
    await pipeline(tar, res);
  } catch (err) {
    tar.destroy();
    res.destroy(err instanceof Error ? err : undefined);
  }
}

export function containerFsRoutes(backend: ContainerFsBackend): Route[] {
  return [
    { method: 'GET', path: '/containers/{id}/changes', handler: async ({ res, params }) => sendJson(res, 200, await backend.changes(params.id!)) },
    {
      method: 'POST',
      path: '/commit',
      handler: async ({ raw, res, query, signal }) => {
        const container = query.get('container');
        if (!container) throw new InvalidArgument('No container name or ID supplied');
        const config = await readJsonBody<ContainerCreateConfig>(raw);
        const result = await backend.commit({
          container,
          repo: query.get('repo') || undefined,
          tag: query.get('tag') || undefined,
          comment: query.get('comment') || undefined,
          author: query.get('author') || undefined,
          // Docker pauses unless told `pause=0`.
          pause: query.get('pause') === null || query.get('pause') === '' ? true : queryBool(query, 'pause'),
          changes: query.getAll('changes'),
          config: config ?? undefined,
          signal,
        });
        sendJson(res, 201, result);
      },
    },
    {
      method: 'GET',
      path: '/containers/{id}/export',
      handler: async ({ res, params }) => sendTar(res, await backend.export(params.id!)),
    },
    {
      method: 'HEAD',
      path: '/containers/{id}/archive',
      handler: async ({ res, params, query }) => {
        const stat = await backend.statPath(params.id!, requiredPath(query));
        res.writeHead(200, { 'Content-Type': 'application/json', [STAT_HEADER]: statHeader(stat) }).end();
      },
    },
    {
      method: 'GET',
      path: '/containers/{id}/archive',
      handler: async ({ res, params, query }) => {
        const { stat, tar } = await backend.archive(params.id!, requiredPath(query));
        await sendTar(res, tar, { [STAT_HEADER]: statHeader(stat) });
      },
    },
    {
      method: 'PUT',
      path: '/containers/{id}/archive',
      handler: async ({ raw, res, params, query, signal }) => {
        await backend.extract(params.id!, requiredPath(query), raw, {
          noOverwriteDirNonDir: queryBool(query, 'noOverwriteDirNonDir'),
          copyUIDGID: queryBool(query, 'copyUIDGID'),
          signal,
        });
        sendEmpty(res, 200);
      },
    },
  ];
}
