import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFound } from '../../core/errors.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import type { NetworkRecord } from './network-record.js';

/**
 * Network records in memory, persisted whole and atomically to
 * `<root>/networks.json` on every change. Lookups as Docker's: full ID, then
 * exact name, then a unique ID prefix.
 */
export class NetworkStore {
  readonly root: string;
  #byId = new Map<string, NetworkRecord>();

  private constructor(root: string) {
    this.root = root;
  }

  static async open(root: string): Promise<NetworkStore> {
    await mkdir(root, { recursive: true });
    const store = new NetworkStore(root);
    try {
      const list = JSON.parse(await readFile(join(root, 'networks.json'), 'utf8')) as NetworkRecord[];
      for (const n of list) store.#byId.set(n.Id, n);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return store;
  }

  list(): NetworkRecord[] {
    return [...this.#byId.values()];
  }

  tryGet(ref: string): NetworkRecord | undefined {
    const exact = this.#byId.get(ref);
    if (exact) return exact;
    for (const n of this.#byId.values()) if (n.Name === ref) return n;
    if (/^[a-f0-9]+$/.test(ref)) {
      const matches = [...this.#byId.values()].filter((n) => n.Id.startsWith(ref));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  get(ref: string): NetworkRecord {
    const n = this.tryGet(ref);
    if (!n) throw new NotFound(`network ${ref} not found`);
    return n;
  }

  async save(n: NetworkRecord): Promise<void> {
    const next = new Map(this.#byId);
    next.set(n.Id, n);
    await writeJsonAtomic(join(this.root, 'networks.json'), [...next.values()]);
    this.#byId = next;
  }

  async delete(id: string): Promise<void> {
    const next = new Map(this.#byId);
    next.delete(id);
    await writeJsonAtomic(join(this.root, 'networks.json'), [...next.values()]);
    this.#byId = next;
  }
}
