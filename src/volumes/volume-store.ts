import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, Internal, NotFound, messageOf } from '../core/errors.js';
import type { Mount } from '../core/mount.js';
import { fsyncDir, writeJsonAtomic } from '../util/atomic.js';
import type { Logger } from '../util/logger.js';
import { KeyedMutex } from '../util/mutex.js';
import { ANONYMOUS_LABEL, needsMount, validateLocalOptions, validateVolumeName } from './local-options.js';

/** What Berth persists per volume (<root>/<name>/volume.json); the data lives in <root>/<name>/_data. */
export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  /** RFC 3339, seconds, UTC. */
  CreatedAt: string;
  Labels: Record<string, string> | null;
  Options: Record<string, string> | null;
}

/** Performs mounts; `mount/` implements it and cmd/ wires it in. */
export interface VolumeMounter {
  mountAll(mounts: Mount[], target: string): Promise<void>;
  unmount(target: string, opts?: { detach?: boolean }): Promise<void>;
  isMountPoint(path: string): Promise<boolean>;
}

const DATA = '_data';
const RECORD = 'volume.json';

/**
 * Docker's `local` volume driver: named directories under the volumes root, plus the
 * bookkeeping of who uses them.
 *
 * - References: containers that name a volume in their mounts (running or not). A
 *   referenced volume cannot be removed. Kept in memory; the daemon re-adds them from
 *   container records at start-up.
 * - Holders: users of the volume's data right now (running containers, a copy-up). A
 *   volume with driver options (`type=tmpfs`, `device=`, `o=bind`) has its file system
 *   mounted on `_data` when the first holder comes and unmounted when the last one goes.
 *
 * Creation builds the volume in `.new-*` and renames it into place; removal renames it to
 * `.del-*` before deleting: a crash leaves only dot-directories, which `open` sweeps.
 */
export class VolumeStore {
  readonly root: string;
  #mounter: VolumeMounter;
  #logger: Logger;
  #records = new Map<string, VolumeRecord>();
  #refs = new Map<string, Set<string>>();
  #holders = new Map<string, Set<string>>();
  #lock = new KeyedMutex();

  private constructor(root: string, mounter: VolumeMounter, logger: Logger) {
    this.root = root;
    this.#mounter = mounter;
    this.#logger = logger;
  }

  static async open(root: string, mounter: VolumeMounter, logger: Logger): Promise<VolumeStore> {
    const store = new VolumeStore(root, mounter, logger);
    await mkdir(root, { recursive: true, mode: 0o701 });
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, entry.name);
      if (entry.name.startsWith('.new-') || entry.name.startsWith('.del-')) {
        await store.#deleteDir(dir);
        continue;
      }
      try {
        const rec = JSON.parse(await readFile(join(dir, RECORD), 'utf8')) as VolumeRecord;
        store.#records.set(rec.Name, rec);
      } catch (err) {
        logger.warn('skipping unreadable volume', { dir, error: messageOf(err) });
      }
    }
    return store;
  }

  dataPath(name: string): string {
    return join(this.root, name, DATA);
  }

  tryGet(name: string): VolumeRecord | undefined {
    return this.#records.get(name);
  }

  /** @throws NotFound with Docker's `get NAME: no such volume`. */
  get(name: string): VolumeRecord {
    const rec = this.#records.get(name);
    if (!rec) throw new NotFound(`get ${name}: no such volume`);
    return rec;
  }

  list(): VolumeRecord[] {
    return [...this.#records.values()].sort((a, b) => a.Name.localeCompare(b.Name));
  }

  isAnonymous(rec: VolumeRecord): boolean {
    return rec.Labels !== null && ANONYMOUS_LABEL in rec.Labels;
  }

  /**
   * Creates a volume; without a name, an anonymous one with a random 64-hex name.
   * Idempotent: an existing volume of that name is returned as it is (Docker ignores
   * the labels and options of a repeated create).
   */
  async create(input: { name?: string; labels?: Record<string, string> | null; options?: Record<string, string> | null }): Promise<{ record: VolumeRecord; created: boolean }> {
    const anonymous = !input.name;
    const name = input.name || randomBytes(32).toString('hex');
    validateVolumeName(name);
    const options = input.options && Object.keys(input.options).length ? { ...input.options } : null;
    if (options) validateLocalOptions(name, options);
    return this.#lock.run(name, async () => {
      const existing = this.#records.get(name);
      if (existing) return { record: existing, created: false };
      const labels = { ...(input.labels ?? {}), ...(anonymous ? { [ANONYMOUS_LABEL]: '' } : {}) };
      const record: VolumeRecord = {
        Name: name,
        Driver: 'local',
        CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        Labels: Object.keys(labels).length ? labels : null,
        Options: options,
      };
      const tmp = join(this.root, `.new-${name}-${randomBytes(4).toString('hex')}`);
      try {
        await mkdir(join(tmp, DATA), { recursive: true, mode: 0o755 });
        await writeJsonAtomic(join(tmp, RECORD), record, 0o600);
        await rename(tmp, join(this.root, name));
        await fsyncDir(this.root);
      } catch (err) {
        await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
        throw new Internal(`create ${name}: ${messageOf(err)}`, { cause: err });
      }
      this.#records.set(name, record);
      return { record, created: true };
    });
  }

  /** Containers that reference the volume, in the order they took it. */
  refs(name: string): string[] {
    return [...(this.#refs.get(name) ?? [])];
  }

  addRef(name: string, ref: string): void {
    this.get(name);
    let set = this.#refs.get(name);
    if (!set) this.#refs.set(name, (set = new Set()));
    set.add(ref);
  }

  /** Idempotent. */
  dropRef(name: string, ref: string): void {
    const set = this.#refs.get(name);
    if (!set) return;
    set.delete(ref);
    if (set.size === 0) this.#refs.delete(name);
  }

  /**
   * Removes a volume and its data. Refused (Conflict, Docker's wording) while a container
   * references it; `force` only turns "no such volume" into success, as in Docker.
   */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    if (!this.#records.has(name)) {
      if (opts.force) return;
      this.get(name);
    }
    await this.#lock.run(name, async () => {
      if (!this.#records.has(name)) return;
      const refs = this.refs(name);
      if (refs.length > 0) throw new Conflict(`remove ${name}: volume is in use - [${refs.join(', ')}]`);
      // Gone from the listing first, so nobody takes a reference while the data is deleted.
      this.#records.delete(name);
      this.#holders.delete(name);
      const dir = join(this.root, name);
      const doomed = join(this.root, `.del-${name}-${randomBytes(4).toString('hex')}`);
      await this.#mounter.unmount(join(dir, DATA), { detach: true });
      await rename(dir, doomed);
      await fsyncDir(this.root);
      await this.#deleteDir(doomed);
    });
  }

  /**
   * Makes the volume's data available to `holder` and returns its host path. The first
   * holder of a volume with driver options mounts its file system. Idempotent per holder.
   */
  async acquire(name: string, holder: string): Promise<string> {
    return this.#lock.run(name, async () => {
      const rec = this.get(name);
      const path = this.dataPath(name);
      let set = this.#holders.get(name);
      if (!set) this.#holders.set(name, (set = new Set()));
      if (needsMount(rec.Options) && !(await this.#mounter.isMountPoint(path))) {
        await this.#mounter.mountAll([mountOf(rec.Options!)], path).catch((err: unknown) => {
          if (set.size === 0) this.#holders.delete(name);
          throw new Internal(`error while mounting volume '${path}': failed to mount local volume: ${messageOf(err)}`, { cause: err });
        });
      }
      set.add(holder);
      return path;
    });
  }

  /** Gives up `holder`'s use; the last one unmounts the volume's file system. Idempotent. */
  async release(name: string, holder: string): Promise<void> {
    await this.#lock.run(name, async () => {
      const set = this.#holders.get(name);
      set?.delete(holder);
      if (set && set.size > 0) return;
      this.#holders.delete(name);
      const rec = this.#records.get(name);
      if (rec && needsMount(rec.Options)) await this.#mounter.unmount(this.dataPath(name));
    });
  }

  /**
   * Start-up: mounted volumes nobody holds (left by a crash, or by containers that exited
   * while berthd was down) are unmounted. Call after the holders were re-acquired.
   */
  async reconcileMounts(): Promise<void> {
    for (const rec of this.#records.values()) {
      if (!needsMount(rec.Options) || this.#holders.has(rec.Name)) continue;
      const path = this.dataPath(rec.Name);
      if (await this.#mounter.isMountPoint(path)) {
        this.#logger.info('unmounting volume no container uses', { volume: rec.Name });
        await this.#mounter.unmount(path, { detach: true }).catch((err: unknown) => {
          this.#logger.warn('unmounting volume failed', { volume: rec.Name, error: messageOf(err) });
        });
      }
    }
  }

  async #deleteDir(dir: string): Promise<void> {
    // A recursive delete must never descend into a mounted file system.
    await this.#mounter.unmount(join(dir, DATA), { detach: true }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The local driver's mount: `mount -t TYPE -o O DEVICE _data`. */
function mountOf(opts: Record<string, string>): Mount {
  return { type: opts.type || 'none', source: opts.device ?? '', options: (opts.o ?? '').split(',').filter(Boolean) };
}
