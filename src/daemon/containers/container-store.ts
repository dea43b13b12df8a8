import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, InvalidArgument, NotFound } from '../../core/errors.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import type { ContainerRecord } from './container-record.js';

/**
 * Container records in memory, each persisted atomically to
 * `<root>/<id>/config.json` on every change. Lookups accept Docker's forms:
 * full ID, unique ID prefix, or name (with or without the leading slash).
 */
export class ContainerStore {
  readonly root: string;
  #byId = new Map<string, ContainerRecord>();

  private constructor(root: string) {
    this.root = root;
  }

  static async open(root: string): Promise<ContainerStore> {
    await mkdir(root, { recursive: true });
    const store = new ContainerStore(root);
    for (const id of await readdir(root)) {
      try {
        const rec = JSON.parse(await readFile(join(root, id, 'config.json'), 'utf8')) as ContainerRecord;
        store.#byId.set(rec.Id, rec);
      } catch {
        // A directory without a complete record is a create that crashed half-way.
        await rm(join(root, id), { recursive: true, force: true });
      }
    }
    return store;
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  list(): ContainerRecord[] {
    return [...this.#byId.values()];
  }

  tryGet(ref: string): ContainerRecord | undefined {
    const exact = this.#byId.get(ref);
    if (exact) return exact;
    const name = ref.startsWith('/') ? ref : `/${ref}`;
    for (const c of this.#byId.values()) if (c.Name === name) return c;
    if (/^[a-f0-9]+$/.test(ref)) {
      const matches = [...this.#byId.keys()].filter((id) => id.startsWith(ref));
      if (matches.length > 1) throw new InvalidArgument(`multiple IDs found with provided prefix: ${ref}`);
      if (matches.length === 1) return this.#byId.get(matches[0]!);
    }
    return undefined;
  }

  get(ref: string): ContainerRecord {
    const c = this.tryGet(ref);
    if (!c) throw new NotFound(`No such container: ${ref}`);
    return c;
  }

  /** Refuses a name another container holds, with Docker's message. */
  checkName(name: string, exceptId?: string): void {
    for (const c of this.#byId.values()) {
      if (c.Name === name && c.Id !== exceptId) {
        throw new Conflict(
          `Conflict. The container name "${name}" is already in use by container "${c.Id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
    }
  }

  async save(rec: ContainerRecord): Promise<void> {
    await writeJsonAtomic(join(this.root, rec.Id, 'config.json'), rec);
    this.#byId.set(rec.Id, rec);
  }

  async delete(id: string): Promise<void> {
    this.#byId.delete(id);
    await rm(join(this.root, id), { recursive: true, force: true });
  }
}
