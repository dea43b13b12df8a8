/**
 * The closed set of failures Berth reports. Every layer throws these; only
 * `api/errors.ts` maps them to HTTP statuses and Docker's `{"message": ...}` body.
 * The message is what a Docker user reads, so it follows Docker's wording.
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'CONFLICT'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'UNAVAILABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_IMPLEMENTED'
  | 'NOT_MODIFIED'
  | 'INTERNAL';

export abstract class BerthError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFound extends BerthError { readonly code = 'NOT_FOUND' as const; }
export class InvalidArgument extends BerthError { readonly code = 'INVALID_ARGUMENT' as const; }
export class Conflict extends BerthError { readonly code = 'CONFLICT' as const; }
export class AlreadyExists extends BerthError { readonly code = 'ALREADY_EXISTS' as const; }
export class FailedPrecondition extends BerthError { readonly code = 'FAILED_PRECONDITION' as const; }
export class Unavailable extends BerthError { readonly code = 'UNAVAILABLE' as const; }
export class Unauthorized extends BerthError { readonly code = 'UNAUTHORIZED' as const; }
export class Forbidden extends BerthError { readonly code = 'FORBIDDEN' as const; }
export class NotImplemented extends BerthError { readonly code = 'NOT_IMPLEMENTED' as const; }
/** Docker answers 304 for "already started"/"already stopped"; not a failure for the client. */
export class NotModified extends BerthError { readonly code = 'NOT_MODIFIED' as const; }
export class Internal extends BerthError { readonly code = 'INTERNAL' as const; }

export function isBerthError(err: unknown): err is BerthError {
  return err instanceof BerthError;
}

/** Message of any thrown value, for logs and wrapped errors. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
