import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { RegistryTls } from './certs-dir.js';
import { Unavailable } from '../../core/errors.js';

/**
 * Connection pools shared by every registry request of the daemon: keep-alive, so a
 * pull's many small requests reuse connections. The unverified TLS pool is used only
 * for registries configured (or known, loopback) as insecure.
 */
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 32 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }),
  httpsInsecure: new HttpsAgent({ keepAlive: true, maxSockets: 32, rejectUnauthorized: false }),
};

/** Pools for registries with certs.d material, by that material (a changed file makes a new pool). */
const tlsAgents = new Map<string, HttpsAgent>();

function agentFor(skipVerify: boolean, tls: RegistryTls | undefined): HttpsAgent {
  if (!tls) return skipVerify ? agents.httpsInsecure : agents.https;
  const h = createHash('sha256').update(String(skipVerify));
  for (const part of [...tls.ca, tls.cert ?? '', tls.key ?? '']) h.update('\0').update(part);
  const key = h.digest('hex');
  let agent = tlsAgents.get(key);
  if (!agent) {
    agent = new HttpsAgent({
      keepAlive: true,
      maxSockets: 32,
      rejectUnauthorized: !skipVerify,
      // Added to the system's roots, as Docker does, not instead of them.
      ...(tls.ca.length > 0 ? { ca: [...rootCertificates, ...tls.ca.map((c) => c.toString('utf8'))] } : {}),
      ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
    });
    tlsAgents.set(key, agent);
  }
  return agent;
}

export interface SendOptions {
  method: string;
  headers?: Record<string, string>;
  /** A Buffer, or a stream (sent chunked unless a Content-Length header is given). */
  body?: Buffer | Readable;
  skipVerify?: boolean;
  /** The registry's certs.d material (extra CAs, client certificate). */
  tls?: RegistryTls;
  signal?: AbortSignal;
}

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  url: URL;
}

export const USER_AGENT = 'berth/0.1.0 (linux; node)';

/**
 * One HTTP exchange; resolves when the response head arrived (the body is left
 * to the caller, who must consume or destroy it). Connection-level failures
 * (refused, TLS, reset before the head) reject with Unavailable naming the URL,
 * as Docker's `Get "<url>": <cause>`.
 */
export function send(url: URL, opts: SendOptions): Promise<Response> {
  const secure = url.protocol === 'https:';
  const request = secure ? httpsRequest : httpRequest;
  const agent = secure ? agentFor(opts.skipVerify ?? false, opts.tls) : agents.http;
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...(opts.headers ?? {}) };
  if (Buffer.isBuffer(opts.body)) headers['Content-Length'] = String(opts.body.length);
  return new Promise<Response>((resolve, reject) => {
    const req = request(url, { method: opts.method, headers, agent, signal: opts.signal }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(err);
      else reject(new Unavailable(`${opts.method === 'GET' ? 'Get' : opts.method === 'HEAD' ? 'Head' : opts.method === 'PUT' ? 'Put' : opts.method === 'PATCH' ? 'Patch' : 'Post'} "${url.href}": ${err.message}`, { cause: err }));
    });
    const body = opts.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.once('error', (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

/** Reads a small response body (JSON answers, manifests), refusing more than `limit` bytes. */
export async function readBody(res: Response, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res.body) {
    size += (c as Buffer).length;
    if (size > limit) {
      res.body.destroy();
      throw new Unavailable(`response from ${res.url.href} is larger than ${limit} bytes`);
    }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Drains and discards a body so the connection can be reused. */
export async function discard(res: Response): Promise<void> {
  res.body.resume();
  await new Promise<void>((r) => {
    if (res.body.readableEnded) r();
    res.body.once('end', r);
    res.body.once('close', r);
    res.body.once('error', () => r());
  });
}
