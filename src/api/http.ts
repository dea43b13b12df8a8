import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgument } from '../core/errors.js';

/** What a route handler gets: the parsed request, never raw URL strings. */
export interface ApiRequest {
  raw: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Negotiated API version as a number (1.47). */
  apiVersion: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

export type Handler = (req: ApiRequest) => Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}

/** Docker's boolean query values: `1`, `true`, `True`; absent or `0`/`false` is false. */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  const lower = v.toLowerCase();
  if (lower === '1' || lower === 'true') return true;
  if (lower === '0' || lower === 'false') return false;
  throw new InvalidArgument(`invalid value for ${name}: ${v}`);
}

/** Reads a small JSON body (create requests etc.); refuses bodies that are not JSON. */
export async function readJsonBody<T>(req: IncomingMessage, limit = 4 << 20): Promise<T | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new InvalidArgument('request body too large');
    chunks.push(c as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch (err) {
    throw new InvalidArgument(`invalid JSON body: ${(err as Error).message}`);
  }
}
