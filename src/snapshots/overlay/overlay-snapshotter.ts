import { chmod, chown, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Mount } from '../../core/mount.js';
import type { SnapshotInfo, SnapshotOpts, Snapshotter } from '../../core/snapshots.js';
import { AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, messageOf } from '../../core/errors.js';
import { fsyncDir } from '../../util/atomic.js';
import { KeyedMutex } from '../../util/mutex.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { mountPointsUnder } from '../../mount/mountinfo.js';
import { diskUsage } from '../disk-usage.js';
import { loadMetadata, saveMetadata, type Metadata, type SnapshotRecord } from './metadata.js';
import { isMountable, overlayMounts } from './overlay-mounts.js';
import { syncFileSystem } from './syncfs.js';

/** Every mutation takes this one lock: metadata.json is a single file rewritten whole. */
const LOCK = 'metadata';
const TEMP_PREFIX = 'new-';

/**
 * Snapshots as overlayfs layers, after containerd's overlay snapshotter.
 *
 * Layout: `root/metadata.json` records every snapshot; `root/snapshots/<id>/fs` is a
 * snapshot's own layer (overlay upperdir while active, a lowerdir once committed) and
 * `root/snapshots/<id>/work` the overlay workdir of an active one. Ids are short numbers
 * so overlay option strings stay short.
 *
 * Crash safety: a snapshot dir is built as `snapshots/new-<random>`, renamed to its id,
 * and only then recorded; removal forgets the record first and deletes the dir after.
 * Files written into an active snapshot are not fsynced one by one: `commit` syncs the
 * file system once (syncfs) before it records the snapshot as committed, so a committed
 * snapshot's content is on disk, and a crash before that leaves an active one (never a
 * parent, removed by its owner's clean-up or GC).
 * So after a crash the only inconsistency is a dir metadata does not know, and `open()`
 * deletes those.
 */
export class OverlaySnapshotter implements Snapshotter {
  readonly #root: string;
  readonly #dirs: string;
  readonly #metaPath: string;
  readonly #log: Logger;
  readonly #lock = new KeyedMutex();
  #md: Metadata;

  private constructor(root: string, md: Metadata, log: Logger) {
    this.#root = root;
    this.#dirs = join(root, 'snapshots');
    this.#metaPath = join(root, 'metadata.json');
    this.#md = md;
    this.#log = log;
  }

  /**
   * Opens (creating if needed) the store at `root` and sweeps directories left by crashes.
   * Only one process may open a root at a time.
   */
  static async open(root: string, opts: { logger?: Logger } = {}): Promise<OverlaySnapshotter> {
    const abs = resolve(root);
    // These would split overlay's option string (`,` between options, `:` between lowerdirs).
    if (/[,:]/.test(abs)) throw new InvalidArgument(`snapshot root must not contain ',' or ':': ${abs}`);
    await mkdir(join(abs, 'snapshots'), { recursive: true, mode: 0o700 });
    const s = new OverlaySnapshotter(abs, await loadMetadata(join(abs, 'metadata.json')), opts.logger ?? silentLogger);
    await s.#sweep();
    return s;
  }

  /** Root directory of the store. */
  get root(): string {
    return this.#root;
  }

  prepare(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]> {
    return this.#create('active', key, parent, opts);
  }

  view(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]> {
    return this.#create('view', key, parent, opts);
  }

  async mounts(key: string): Promise<Mount[]> {
    const rec = this.#get(key);
    if (!isMountable(rec.kind)) throw new FailedPrecondition(`snapshot ${key} is committed; only active and view snapshots have mounts`);
    return this.#mountsOf(rec, rec.kind);
  }

  async commit(name: string, key: string, opts?: SnapshotOpts): Promise<void> {
    validateKey(name);
    // Outside the lock: other snapshots need not wait for this one's data to reach the disk.
    await syncFileSystem(this.#fs(this.#get(key).id));
    await this.#lock.run(LOCK, async () => {
      const rec = this.#get(key);
      if (rec.kind !== 'active') throw new FailedPrecondition(`snapshot ${key} is ${rec.kind}, only an active snapshot can be committed`);
      if (this.#md.snapshots.has(name)) throw new AlreadyExists(`snapshot ${name} already exists`);
      const next = new Map(this.#md.snapshots);
      next.delete(key);
      next.set(name, { ...rec, kind: 'committed', labels: { ...(opts?.labels ?? rec.labels) } });
      await this.#save({ ...this.#md, snapshots: next });
    });
  }

  async remove(key: string): Promise<void> {
    await this.#lock.run(LOCK, async () => {
      const rec = this.#get(key);
      const children = [...this.#md.snapshots].filter(([, r]) => r.parent === key).map(([k]) => k);
      if (children.length > 0) {
        throw new FailedPrecondition(`cannot remove snapshot ${key}: it is the parent of ${children.join(', ')}`);
      }
      const dir = this.#dir(rec.id);
      const mounted = await mountPointsUnder(dir);
      if (mounted.length > 0) throw new FailedPrecondition(`cannot remove snapshot ${key}: ${mounted[0]} is mounted`);
      const next = new Map(this.#md.snapshots);
      next.delete(key);
      await this.#save({ ...this.#md, snapshots: next });
      // The record is gone, so the snapshot is; a dir left by a failure here is swept at next open.
      await rm(dir, { recursive: true, force: true }).catch((err: unknown) =>
        this.#log.warn('snapshot dir not removed; will be swept at next start', { dir, error: messageOf(err) }),
      );
    });
  }

  async stat(key: string): Promise<SnapshotInfo> {
    return infoOf(key, this.#get(key));
  }

  async list(): Promise<SnapshotInfo[]> {
    return [...this.#md.snapshots].sort(([, a], [, b]) => a.id - b.id).map(([k, r]) => infoOf(k, r));
  }

  async usage(key: string): Promise<{ size: number; inodes: number }> {
    return diskUsage(this.#fs(this.#get(key).id));
  }

  async upperDir(key: string): Promise<string> {
    return this.#fs(this.#get(key).id);
  }

  async lowerDirs(key: string): Promise<string[]> {
    return this.#chain(this.#get(key)).map((id) => this.#fs(id));
  }

  async #create(kind: 'active' | 'view', key: string, parent: string | undefined, opts: SnapshotOpts | undefined): Promise<Mount[]> {
    validateKey(key);
    return this.#lock.run(LOCK, async () => {
      if (this.#md.snapshots.has(key)) throw new AlreadyExists(`snapshot ${key} already exists`);
      let parentRec: SnapshotRecord | undefined;
      if (parent !== undefined) {
        parentRec = this.#md.snapshots.get(parent);
        if (!parentRec) throw new NotFound(`parent snapshot ${parent} does not exist`);
        if (parentRec.kind !== 'committed') throw new InvalidArgument(`parent snapshot ${parent} is not committed`);
      }

      const id = this.#md.nextId;
      const temp = join(this.#dirs, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      const final = this.#dir(id);
      let renamed = false;
      try {
        await mkdir(temp, { mode: 0o700 });
        await mkdir(join(temp, 'fs'), { mode: 0o755 });
        if (kind === 'active') await mkdir(join(temp, 'work'), { mode: 0o711 });
        // The merged root takes the upper dir's attributes, so it must look like the parent's root.
        if (parentRec) await copyRootAttrs(this.#fs(parentRec.id), join(temp, 'fs'));
        await rename(temp, final);
        renamed = true;
        await fsyncDir(this.#dirs);
        const rec: SnapshotRecord = { id, kind, created: new Date().toISOString(), labels: { ...opts?.labels } };
        if (parent !== undefined) rec.parent = parent;
        await this.#save({ nextId: id + 1, snapshots: new Map(this.#md.snapshots).set(key, rec) });
        return this.#mountsOf(rec, kind);
      } catch (err) {
        await rm(renamed ? final : temp, { recursive: true, force: true });
        throw err;
      }
    });
  }

  #mountsOf(rec: SnapshotRecord, kind: 'active' | 'view'): Mount[] {
    return overlayMounts({
      kind,
      upper: this.#fs(rec.id),
      work: join(this.#dir(rec.id), 'work'),
      lowers: this.#chain(rec).map((id) => this.#fs(id)),
    });
  }

  /** Ids of the parent chain, nearest first. Parents cannot be removed while they have children, so the chain is whole. */
  #chain(rec: SnapshotRecord): number[] {
    const ids: number[] = [];
    for (let p = rec.parent; p !== undefined; ) {
      const parent = this.#md.snapshots.get(p);
      if (!parent) throw new NotFound(`parent snapshot ${p} does not exist`);
      ids.push(parent.id);
      p = parent.parent;
    }
    return ids;
  }

  #get(key: string): SnapshotRecord {
    const rec = this.#md.snapshots.get(key);
    if (!rec) throw new NotFound(`snapshot ${key} does not exist`);
    return rec;
  }

  async #save(md: Metadata): Promise<void> {
    await saveMetadata(this.#metaPath, md);
    this.#md = md;
  }

  #dir(id: number): string {
    return join(this.#dirs, String(id));
  }

  #fs(id: number): string {
    return join(this.#dir(id), 'fs');
  }

  /**
   * Deletes every dir under snapshots/ that metadata does not record: unfinished `new-*`
   * builds and removals or creations interrupted by a crash. A dir with something mounted
   * inside is left alone (a recursive delete would descend into the mount) and logged.
   */
  async #sweep(): Promise<void> {
    const known = new Set([...this.#md.snapshots.values()].map((r) => String(r.id)));
    let highest = 0;
    for (const name of await readdir(this.#dirs)) {
      if (known.has(name)) continue;
      const dir = join(this.#dirs, name);
      const mounted = await mountPointsUnder(dir);
      if (mounted.length > 0) {
        this.#log.warn('orphaned snapshot dir is mounted; not removed', { dir, mount: mounted[0] });
        if (/^\d+$/.test(name)) highest = Math.max(highest, Number(name));
        continue;
      }
      this.#log.info('removing orphaned snapshot dir', { dir });
      await rm(dir, { recursive: true, force: true });
    }
    // An id whose dir could not be swept must not be handed out again.
    if (highest >= this.#md.nextId) this.#md = { ...this.#md, nextId: highest + 1 };
    for (const [key, rec] of this.#md.snapshots) {
      await stat(this.#dir(rec.id)).catch(() => this.#log.warn('recorded snapshot has no dir', { key, id: rec.id }));
    }
  }
}

function validateKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new InvalidArgument('snapshot key must be a non-empty string');
}

function infoOf(name: string, rec: SnapshotRecord): SnapshotInfo {
  const info: SnapshotInfo = { name, kind: rec.kind, created: rec.created, labels: { ...rec.labels } };
  if (rec.parent !== undefined) info.parent = rec.parent;
  return info;
}

async function copyRootAttrs(from: string, to: string): Promise<void> {
  const st = await stat(from);
  await chown(to, st.uid, st.gid);
  await chmod(to, st.mode & 0o7777);
}
