import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryError } from './errors.js';
import type { RegistryLayout } from './layout.js';

/** Every repository under `repositories/`: a directory holding `_manifests` or `_layers`; nested names recurse. */
export async function listRepositories(layout: RegistryLayout): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (prefix && entries.some((e) => e.isDirectory() && (e.name === '_manifests' || e.name === '_layers'))) out.push(prefix);
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('_') || e.name.startsWith('.')) continue;
      await walk(join(dir, e.name), prefix ? `${prefix}/${e.name}` : e.name);
    }
  };
  await walk(layout.reposDir, '');
  return out.sort();
}

export interface Page {
  items: string[];
  /** The `last` value for the next page, when there is one. */
  next?: string;
}

/**
 * The spec's `n`/`last` pagination over a sorted list: entries after `last`, at most
 * `n` of them; `n=0` is an empty page with no next link.
 */
export function paginate(sorted: string[], nParam: string | null, last: string | null): Page {
  let n: number | undefined;
  if (nParam !== null && nParam !== '') {
    if (!/^\d+$/.test(nParam)) throw new RegistryError('PAGINATION_NUMBER_INVALID', { n: nParam });
    n = Number(nParam);
  }
  const rest = last ? sorted.filter((s) => s > last) : sorted;
  if (n === undefined || rest.length <= n) return { items: n === 0 ? [] : rest };
  const items = rest.slice(0, n);
  return n === 0 ? { items } : { items, next: items[items.length - 1]! };
}
