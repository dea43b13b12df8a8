/**
 * The distribution spec's error codes with the status and message the reference
 * implementation (distribution 2.8, `registry/api/v2/errors.go`) answers with.
 * Handlers throw `RegistryError`; the HTTP layer renders `{"errors":[...]}` once.
 */
export const REGISTRY_ERRORS = {
  BLOB_UNKNOWN: [404, 'blob unknown to registry'],
  BLOB_UPLOAD_INVALID: [404, 'blob upload invalid'],
  BLOB_UPLOAD_UNKNOWN: [404, 'blob upload unknown to registry'],
  DIGEST_INVALID: [400, 'provided digest did not match uploaded content'],
  MANIFEST_BLOB_UNKNOWN: [400, 'blob unknown to registry'],
  MANIFEST_INVALID: [400, 'manifest invalid'],
  MANIFEST_UNKNOWN: [404, 'manifest unknown'],
  NAME_INVALID: [400, 'invalid repository name'],
  NAME_UNKNOWN: [404, 'repository name not known to registry'],
  SIZE_INVALID: [400, 'provided length did not match content length'],
  RANGE_INVALID: [416, 'invalid content range'],
  PAGINATION_NUMBER_INVALID: [400, 'invalid number of results requested'],
  UNAUTHORIZED: [401, 'authentication required'],
  DENIED: [403, 'requested access to the resource is denied'],
  UNSUPPORTED: [405, 'The operation is unsupported.'],
  TOOMANYREQUESTS: [429, 'too many requests'],
  UNKNOWN: [500, 'unknown error'],
} as const satisfies Record<string, readonly [number, string]>;

export type RegistryErrorCode = keyof typeof REGISTRY_ERRORS;

export class RegistryError extends Error {
  readonly status: number;
  /** Extra response headers (e.g. `Range` on a 416, `WWW-Authenticate` on a 401). */
  readonly headers: Record<string, string>;

  constructor(
    readonly code: RegistryErrorCode,
    readonly detail?: unknown,
    opts: { status?: number; message?: string; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(opts.message ?? REGISTRY_ERRORS[code][1], { cause: opts.cause });
    this.name = 'RegistryError';
    this.status = opts.status ?? REGISTRY_ERRORS[code][0];
    this.headers = opts.headers ?? {};
  }

  toJSON(): { errors: { code: string; message: string; detail?: unknown }[] } {
    const e: { code: string; message: string; detail?: unknown } = { code: this.code, message: this.message };
    if (this.detail !== undefined) e.detail = this.detail;
    return { errors: [e] };
  }
}
