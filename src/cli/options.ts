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
