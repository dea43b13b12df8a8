import type { ServerResponse } from 'node:http';
import { isBerthError, type ErrorCode } from '../core/errors.js';

/** The one place that turns Berth's errors into HTTP statuses (moby's httpstatus). */
const STATUS: Record<ErrorCode, number> = {
  NOT_FOUND: 404,
  INVALID_ARGUMENT: 400,
  CONFLICT: 409,
  ALREADY_EXISTS: 409,
  FAILED_PRECONDITION: 409,
  UNAVAILABLE: 503,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_IMPLEMENTED: 501,
  NOT_MODIFIED: 304,
  INTERNAL: 500,
};

export function statusOf(err: unknown): number {
  return isBerthError(err) ? STATUS[err.code] : 500;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Writes Docker's error body; a response that already started can only be cut. */
export function writeError(res: ServerResponse, err: unknown): void {
  const status = statusOf(err);
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  if (status === 304) {
    res.writeHead(304).end();
    return;
  }
  const body = JSON.stringify({ message: errorMessage(err) }) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
