import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryError } from './errors.js';

/** Per-request facts the access log needs. */
export interface RequestLog {
  bytes: number;
}

export const API_VERSION_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' } as const;

export function sendJson(res: ServerResponse, log: RequestLog, status: number, body: unknown, headers: Record<string, string> = {}, head = false): void {
  const text = Buffer.from(JSON.stringify(body) + '\n');
  res.writeHead(status, { ...headers, 'Content-Type': headers['Content-Type'] ?? 'application/json', 'Content-Length': String(text.length) });
  if (head) {
    res.end();
    return;
  }
  log.bytes += text.length;
  res.end(text);
}

/** An empty answer; the spec's 201/202/204 carry everything in headers. */
export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, status === 204 ? headers : { ...headers, 'Content-Length': '0' });
  res.end();
}

/** Whether the request carries a body (a final chunk on PUT, a blob on POST). */
export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

export function contentLength(req: IncomingMessage): number | undefined {
  const len = req.headers['content-length'];
  if (len === undefined) return undefined;
  if (!/^\d+$/.test(len)) throw new RegistryError('SIZE_INVALID', { contentLength: len }, { message: 'invalid Content-Length' });
  return Number(len);
}

/** `Content-Range: <start>-<end>` as the spec writes it; `bytes <start>-<end>/<total|*>` is accepted too. */
export function parseContentRange(header: string | undefined): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = header.trim().match(/^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/);
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new RegistryError('RANGE_INVALID', { contentRange: header }, { status: 416 });
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}

/**
 * A single `Range: bytes=` request against a blob of `size` bytes (RFC 9110 14.2).
 * Returns undefined for "send everything" (no header, or a form we do not serve),
 * 'unsatisfiable' for a range past the end.
 */
export function parseByteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Reads a small body (a manifest) with a cap; over the cap is 413, as the spec suggests. */
export async function readCapped(req: IncomingMessage, cap: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > cap) {
    req.resume();
    throw new RegistryError('SIZE_INVALID', { limit: cap }, { status: 413, message: `manifest too large: over ${cap} bytes` });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > cap) {
      req.resume();
      throw new RegistryError('SIZE_INVALID', { limit: cap }, { status: 413, message: `manifest too large: over ${cap} bytes` });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
