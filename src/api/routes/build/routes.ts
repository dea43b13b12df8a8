import { InvalidArgument, NotImplemented } from '../../../core/errors.js';
import { decodeRegistryConfig } from '../../../core/wire/registry-config.js';
import type { Route } from '../../router.js';
import { queryBool, sendJson, type ApiRequest } from '../../http.js';
import { JsonStream } from '../../stream/json-stream.js';
import { toJsonMessage } from '../../stream/progress-stream.js';
import { errorMessage } from '../../errors.js';
import type { BuildBackendApi } from './backend.js';

function jsonParam<T>(q: URLSearchParams, name: string, check: (v: unknown) => v is T, fallback: T): T {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new InvalidArgument(`invalid ${name} parameter: ${raw}`);
  }
  if (v === null) return fallback;
  if (!check(v)) throw new InvalidArgument(`invalid ${name} parameter: ${raw}`);
  return v;
}

const isStringMap = (v: unknown): v is Record<string, string | null> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x === 'string');
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Docker's defaults: `rm` is on unless the client says otherwise. */
function boolDefault(q: URLSearchParams, name: string, def: boolean): boolean {
  return q.get(name) === null || q.get(name) === '' ? def : queryBool(q, name);
}

async function postBuild({ raw, res, query, signal }: ApiRequest, backend: BuildBackendApi): Promise<void> {
  const platform = query.get('platform') ?? '';
  if (platform !== '' && platform !== 'linux' && platform !== 'linux/amd64') {
    throw new InvalidArgument(`"${platform}": Berth builds linux/amd64 images only`);
  }
  if (query.get('remote')) throw new NotImplemented('remote build contexts are not supported by Berth; send the context as the request body');
  const req = {
    dockerfile: query.get('dockerfile') || 'Dockerfile',
    tags: query.getAll('t').filter(Boolean),
    buildArgs: jsonParam(query, 'buildargs', isStringMap, {}),
    labels: jsonParam(query, 'labels', isStringMap, {}) as Record<string, string>,
    target: query.get('target') || undefined,
    noCache: queryBool(query, 'nocache'),
    pull: queryBool(query, 'pull'),
    cacheFrom: jsonParam(query, 'cachefrom', isStringList, []),
    networkMode: query.get('networkmode') || 'default',
    rm: boolDefault(query, 'rm', true),
    forceRm: queryBool(query, 'forcerm'),
    quiet: queryBool(query, 'q'),
    ...(platform ? { platform } : {}),
    authConfigs: decodeRegistryConfig(raw.headers['x-registry-config'] as string | undefined),
  };
  const out = new JsonStream(res);
  try {
    await backend.build(raw, req, { stream: (t) => out.write({ stream: t }), aux: (a) => out.write({ aux: a }), progress: (e) => out.write(toJsonMessage(e)) }, signal);
  } catch (err) {
    // Failures before any output (bad Dockerfile, unknown target) are plain API errors.
    if (!res.headersSent) throw err;
    const message = errorMessage(err);
    const code = (err as { exitCode?: unknown }).exitCode;
    out.write({ errorDetail: { message, ...(typeof code === 'number' ? { code } : {}) }, error: message });
  }
  out.end();
}

export function buildRoutes(backend: BuildBackendApi): Route[] {
  return [
    { method: 'POST', path: '/build', handler: (req) => postBuild(req, backend) },
    { method: 'POST', path: '/build/prune', handler: async ({ res, query }) => sendJson(res, 200, await backend.prune(queryBool(query, 'all'))) },
  ];
}
