import { InvalidArgument } from '../core/errors.js';

export type Filters = ReadonlyMap<string, readonly string[]>;

/**
 * Parses the `filters` query parameter: `{"key":["v"]}`, or the older
 * `{"key":{"v":true}}`; keys outside `allowed` are refused as Docker does.
 */
export function parseFilters(raw: string | undefined, allowed: readonly string[]): Filters {
  const out = new Map<string, string[]>();
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new InvalidArgument(`invalid filter: ${raw}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgument(`invalid filter: ${raw}`);
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!allowed.includes(key)) throw new InvalidArgument(`invalid filter '${key}'`);
    if (Array.isArray(value)) out.set(key, value.map(String));
    else if (value && typeof value === 'object') out.set(key, Object.entries(value).filter(([, v]) => v).map(([k]) => k));
    else throw new InvalidArgument(`invalid filter '${key}'`);
  }
  return out;
}

/** Go's path.Match subset Docker uses for `reference=` filters: `*` and `?` stop at `/`. */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${re}$`).test(value);
}

/** `true`/`1` and `false`/`0`, as Docker's filters.ExactMatch-based bools. */
export function filterBool(key: string, v: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new InvalidArgument(`invalid filter '${key}=${v}'`);
}

/** `label=key` or `label=key=value` against a label map. */
export function matchLabels(wanted: readonly string[] | undefined, labels: Record<string, string> | null | undefined): boolean {
  if (!wanted) return true;
  return wanted.every((w) => {
    const eq = w.indexOf('=');
    if (eq < 0) return labels != null && w in labels;
    return labels != null && labels[w.slice(0, eq)] === w.slice(eq + 1);
  });
}
