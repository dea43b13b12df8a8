import { InvalidArgumentError } from 'commander';

/** Collects a repeatable flag (`-c a -c b`, `-f x -f y`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `-f key=value` filters into the API's `{key: [values]}`. */
export function filtersFrom(list: string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of list ?? []) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`bad format of filter (expected name=value): ${f}`);
    (out[f.slice(0, eq)] ??= []).push(f.slice(eq + 1));
  }
  return out;
}

/**
 * Repeatable `key=value` flags (`--label`, `-o`, `--log-opt`, `--sysctl`) into a map. A bare `key`
 * means an empty value unless `requireValue`; an empty key is always refused, in Docker's wording.
 */
export function keyValueMap(list: string[] | undefined, flag: string, requireValue = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=');
    if (eq === 0 || (requireValue && eq < 0)) throw new InvalidArgumentError(`invalid argument "${kv}" for "${flag}" flag: invalid key value pair format: ${kv}`);
    if (eq < 0) out[kv] = '';
    else out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}
