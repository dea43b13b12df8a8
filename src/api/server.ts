import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { InvalidArgument, NotFound } from '../core/errors.js';
import { API_VERSION, MIN_API_VERSION, apiVersionNumber } from '../core/version.js';
import type { Logger } from '../util/logger.js';
import { writeError } from './errors.js';
import type { Router } from './router.js';

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

/**
 * Splits `/v1.43/images/json` into version and path and checks the version
 * against what berthd serves: every version from 1.24 up to ours, so old
 * clients (testcontainers, docker-py) keep working.
 */
export function splitVersion(path: string): { version: number; path: string } {
  const m = VERSION_PREFIX.exec(path);
  if (!m) return { version: apiVersionNumber(API_VERSION), path };
  const v = apiVersionNumber(m[1]!);
  if (v < apiVersionNumber(MIN_API_VERSION)) {
    throw new InvalidArgument(
      `client version ${m[1]} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
  if (v > apiVersionNumber(API_VERSION)) {
    throw new InvalidArgument(`client version ${m[1]} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  return { version: v, path: m[2]! };
}

export function createApiServer(router: Router, logger: Logger): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void handle(router, logger, req, res);
  });
  // Docker clients ask for attach and exec streams with `Upgrade: tcp`; Node hands
  // those over here. A ServerResponse on the socket keeps error replies uniform.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    if (head.length) socket.unshift(head);
    void handle(router, logger, req, res);
  });
  // Long pulls, loads and log follows must not be cut by Node's default timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(router: Router, logger: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://berth');
  const method = req.method ?? 'GET';
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  // Hijacked streams never finish the response: the socket closing is their end.
  const onSocketClose = () => abort.abort();
  req.socket.once('close', onSocketClose);
  res.once('finish', () => req.socket.off('close', onSocketClose));
  res.setHeader('Api-Version', API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Ostype', 'linux');
  res.setHeader('Server', `Berth/${API_VERSION} (linux)`);
  try {
    const { version, path } = splitVersion(url.pathname);
    const match = router.match(method, path);
    if (match === undefined) throw new NotFound('page not found');
    if (match === 'method') {
      res.writeHead(405, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: `${method} not allowed on ${path}` }) + '\n');
      return;
    }
    logger.debug('api request', { method, path: url.pathname });
    await match.handler({ raw: req, res, method, path, params: match.params, query: url.searchParams, apiVersion: version, signal: abort.signal });
  } catch (err) {
    if (!abort.signal.aborted) logger.debug('api error', { method, path: url.pathname, error: err instanceof Error ? err.message : String(err) });
    writeError(res, err);
  }
}
