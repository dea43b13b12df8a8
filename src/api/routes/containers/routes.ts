import type { ServerResponse } from 'node:http';
import { InvalidArgument, NotImplemented } from '../../../core/errors.js';
import { parseDetachKeys } from '../../../core/detach-keys.js';
import { bridgeStdio } from '../../stream/stdio-bridge.js';
import type { Route } from '../../router.js';
import { queryBool, readJsonBody, sendEmpty, sendJson } from '../../http.js';
import { stdcopyFrame } from '../../stream/stdcopy.js';
import { hijack } from '../../stream/hijack.js';
import type { ContainerCreateBody } from '../../../core/wire/containers.js';
import type { ContainersBackend } from './backend.js';

function optionalInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw new InvalidArgument(`invalid value for ${name}: ${v}`);
  return Number(v);
}

/** Writes to a response or a hijacked socket, honouring backpressure. */
async function writeOut(out: ServerResponse | NodeJS.WritableStream, data: Buffer): Promise<void> {
  if (!out.write(data)) await new Promise<void>((r) => out.once('drain', () => r()));
}

export function containerRoutes(backend: ContainersBackend): Route[] {
  return [
    {
      method: 'POST',
      path: '/containers/create',
      handler: async ({ raw, res, query }) => {
        const body = await readJsonBody<ContainerCreateBody>(raw);
        sendJson(res, 201, await backend.create(body, query.get('name') ?? undefined));
      },
    },
    {
      method: 'GET',
      path: '/containers/json',
      handler: async ({ res, query }) =>
        sendJson(res, 200, await backend.list({ all: queryBool(query, 'all'), limit: optionalInt(query, 'limit'), size: queryBool(query, 'size'), filters: query.get('filters') ?? undefined })),
    },
    { method: 'POST', path: '/containers/prune', handler: async ({ res }) => sendJson(res, 200, await backend.prune()) },
    { method: 'GET', path: '/containers/{id}/json', handler: async ({ res, params }) => sendJson(res, 200, await backend.inspect(params.id!)) },
    {
      method: 'POST',
      path: '/containers/{id}/start',
      handler: async ({ res, params }) => {
        await backend.start(params.id!);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/stop',
      handler: async ({ res, params, query }) => {
        await backend.stop(params.id!, optionalInt(query, 't'), query.get('signal') ?? undefined);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/restart',
      handler: async ({ res, params, query }) => {
        await backend.restart(params.id!, optionalInt(query, 't'), query.get('signal') ?? undefined);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/kill',
      handler: async ({ res, params, query }) => {
        await backend.kill(params.id!, query.get('signal') || undefined);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/rename',
      handler: async ({ res, params, query }) => {
        await backend.rename(params.id!, query.get('name') ?? undefined);
        sendEmpty(res, 204);
      },
    },
    {
      method: 'DELETE',
      path: '/containers/{id}',
      handler: async ({ res, params, query }) => {
        await backend.remove(params.id!, queryBool(query, 'force'), queryBool(query, 'v'));
        sendEmpty(res, 204);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/wait',
      handler: async ({ res, params, query, signal }) => {
        const pending = backend.wait(params.id!, query.get('condition') ?? undefined, signal);
        // Headers go out at once, as Docker does: the client knows the wait is registered.
        const early = await Promise.race([pending.then(() => false, () => false), new Promise<boolean>((r) => setImmediate(() => r(true)))]);
        if (early) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.flushHeaders();
          try {
            res.end(JSON.stringify(await pending) + '\n');
          } catch (err) {
            res.end(JSON.stringify({ StatusCode: -1, Error: { Message: err instanceof Error ? err.message : String(err) } }) + '\n');
          }
          return;
        }
        sendJson(res, 200, await pending);
      },
    },
    {
      method: 'GET',
      path: '/containers/{id}/logs',
      handler: async ({ res, params, query, signal }) => {
        const stdout = queryBool(query, 'stdout');
        const stderr = queryBool(query, 'stderr');
        if (!stdout && !stderr) throw new InvalidArgument('Bad parameters: you must choose at least one stream');
        const tty = backend.isTty(params.id!);
        const timestamps = queryBool(query, 'timestamps');
        const chunks = backend.logs(params.id!, {
          stdout,
          stderr,
          follow: queryBool(query, 'follow'),
          tail: query.get('tail') ?? undefined,
          since: query.get('since') ?? undefined,
          until: query.get('until') ?? undefined,
          signal,
        });
        const it = chunks[Symbol.asyncIterator]();
        const first = await it.next();
        res.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
        res.flushHeaders();
        for (let r = first; !r.done; r = await it.next()) {
          const data = timestamps ? Buffer.concat([Buffer.from(`${r.value.time} `), r.value.data]) : r.value.data;
          await writeOut(res, tty ? data : stdcopyFrame(r.value.stream, data));
        }
        res.end();
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/resize',
      handler: async ({ res, params, query }) => {
        const h = optionalInt(query, 'h') ?? 0;
        const w = optionalInt(query, 'w') ?? 0;
        if (!backend.resize) throw new NotImplemented('resize is not supported');
        await backend.resize(params.id!, h, w);
        sendEmpty(res, 200);
      },
    },
    {
      method: 'POST',
      path: '/containers/{id}/attach',
      handler: async ({ raw, params, query, signal }) => {
        const tty = backend.isTty(params.id!);
        if (backend.attachStdio && backend.hasStdin?.(params.id!)) {
          const detachKeys = parseDetachKeys(query.get('detachKeys') ?? undefined);
          const attach = backend.attachStdio(params.id!, signal);
          const opts = { tty, stdin: queryBool(query, 'stdin'), stdout: queryBool(query, 'stdout'), stderr: queryBool(query, 'stderr'), detachKeys };
          await bridgeStdio(hijack(raw, !tty), attach.connection, opts);
          return;
        }
        const output = backend.attachOutput(params.id!, { stdout: queryBool(query, 'stdout'), stderr: queryBool(query, 'stderr'), signal });
        const socket = hijack(raw, !tty);
        // Input is not forwarded yet (conmon's attach socket needs SOCK_SEQPACKET); drain it.
        socket.on('data', () => undefined);
        try {
          for await (const c of output) await writeOut(socket, tty ? c.data : stdcopyFrame(c.stream, c.data));
        } finally {
          socket.end();
        }
      },
    },
  ];
}
