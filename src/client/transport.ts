import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { API_VERSION } from '../core/version.js';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

/** An error answer from berthd: the status and Docker's `message`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** berthd could not be reached at all; the message says what to do. */
export class ConnectError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectError';
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | string[] | undefined>;
  body?: Readable | Buffer | string;
  json?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function encodeQuery(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** HTTP over the daemon's unix socket (or plain TCP for tcp:// hosts), with versioned paths. */
export class Transport {
  readonly host: string;
  #socketPath?: string;

  /** The unix socket path, for hijacked streams. */
  get socketPath(): string | undefined {
    return this.#socketPath;
  }
  #hostname = 'localhost';
  #port?: number;

  constructor(host: string = DEFAULT_HOST) {
    this.host = host;
    const unix = /^unix:\/\/(.+)$/.exec(host);
    if (unix) this.#socketPath = unix[1];
    else {
      const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
      if (!tcp) throw new ConnectError(`invalid host: ${host} (expected unix:///path or tcp://host:port)`);
      this.#hostname = tcp[1]!;
      this.#port = Number(tcp[2]);
    }
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] = 'application/json';
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          socketPath: this.#socketPath,
          host: this.#hostname,
          port: this.#port,
          method,
          path: `/v${API_VERSION}${path}${encodeQuery(opts.query)}`,
          headers,
          signal: opts.signal,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status < 400) return resolve(res);
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let message = text.trim() || `HTTP ${status}`;
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {
              // not JSON: keep the text
            }
            reject(new ApiError(status, message));
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => reject(this.#connectError(err)));
      if (body === undefined) req.end();
      else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }

  #connectError(err: NodeJS.ErrnoException): Error {
    if (err.code === 'EACCES') {
      return new ConnectError(
        `permission denied while trying to connect to the Berth daemon socket at ${this.host}: ${err.message}\n` +
          `hint: add your user to the 'berth' group (sudo usermod -aG berth $USER, then log in again) or run as root`,
        { cause: err },
      );
    }
    if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
      return new ConnectError(`Cannot connect to the Berth daemon at ${this.host}. Is berthd running?`, { cause: err });
    }
    return err;
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async empty(method: string, path: string, opts: RequestOptions = {}): Promise<void> {
    const res = await this.request(method, path, opts);
    res.resume();
    await new Promise<void>((resolve, reject) => {
      res.on('end', resolve);
      res.on('error', reject);
    });
  }
}
