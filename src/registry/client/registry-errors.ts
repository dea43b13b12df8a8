/**
 * Docker's rendering of a registry's error body (`{"errors":[{"code":"MANIFEST_UNKNOWN",
 * "message":"manifest unknown"}]}`): `manifest unknown: manifest unknown`, several
 * joined with `; `. undefined when the body is not such a document.
 */
export function registryErrorText(body: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const errors = (parsed as { errors?: unknown })?.errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    const details = (parsed as { details?: unknown })?.details;
    return typeof details === 'string' ? details : undefined;
  }
  return errors
    .map((e: { code?: unknown; message?: unknown }) => {
      const code = typeof e.code === 'string' ? e.code.toLowerCase().replace(/_/g, ' ') : 'unknown';
      return typeof e.message === 'string' && e.message ? `${code}: ${e.message}` : code;
    })
    .join('; ');
}

/** The first error code of a registry error body (`MANIFEST_UNKNOWN`), if any. */
export function registryErrorCode(body: Buffer): string | undefined {
  try {
    const errors = (JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown }> }).errors;
    const code = errors?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
