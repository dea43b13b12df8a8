import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '../../util/logger.js';
import { Htpasswd } from './htpasswd.js';
import { RegistryApp } from './registry-app.js';

export interface ServeRegistryOptions {
  /** `host:port`, `:port` or `[v6]:port`; port 0 picks a free one (the bound address is logged). */
  addr: string;
  root: string;
  htpasswd?: string;
  realm?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export interface RunningRegistry {
  server: Server;
  app: RegistryApp;
  /** e.g. `http://127.0.0.1:5000` */
  url: string;
  close(): Promise<void>;
}

export function parseAddr(addr: string): { host: string; port: number } {
  const m = addr.match(/^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/) ?? addr.match(/^()()(\d+)$/);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --addr "${addr}": expected host:port`);
  return { host: m[1] || m[2] || '0.0.0.0', port };
}

/** Starts the registry and resolves once it listens. */
export async function startRegistry(opts: ServeRegistryOptions, logger: Logger = createLogger('info')): Promise<RunningRegistry> {
  if (!opts.root) throw new Error('--root is required');
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new Error('--tls-cert and --tls-key go together');
  const { host, port } = parseAddr(opts.addr);
  const htpasswd = opts.htpasswd ? await Htpasswd.load(opts.htpasswd) : undefined;
  const app = new RegistryApp({ root: opts.root, logger, ...(htpasswd ? { htpasswd } : {}), ...(opts.realm ? { realm: opts.realm } : {}) });
  await app.init();
  // Blob uploads can take long: no overall request timeout, only one for the headers.
  const common = { requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 30_000 };
  const server: Server = opts.tlsCert && opts.tlsKey
    ? createHttpsServer({ ...common, cert: await readFile(opts.tlsCert), key: await readFile(opts.tlsKey) }, app.handle)
    : createHttpServer(common, app.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const scheme = opts.tlsCert ? 'https' : 'http';
  const url = `${scheme}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  logger.info('listening on ' + url, { root: opts.root, auth: htpasswd ? 'htpasswd' : 'none' });
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    // In-flight uploads are cut after a grace period; their sessions stay resumable on disk.
    const timer = setTimeout(() => server.closeAllConnections(), 5_000);
    await closed;
    clearTimeout(timer);
  };
  return { server, app, url, close };
}

/**
 * `berth registry serve`: runs until SIGTERM or SIGINT, then stops accepting,
 * lets running requests finish (briefly) and resolves with exit code 0.
 */
export async function serveRegistry(opts: ServeRegistryOptions): Promise<number> {
  const logger = createLogger('info');
  const reg = await startRegistry(opts, logger);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      logger.info(`received ${sig}, shutting down`);
      reg.close().then(resolve, resolve);
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  return 0;
}
