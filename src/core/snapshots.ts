import type { Mount } from './mount.js';

/**
 * Lifecycle: `prepare` makes an `active` (writable) snapshot, `commit` turns it into a
 * `committed` one (read-only from then on, usable as a parent), `view` makes a read-only
 * snapshot of a committed parent. Active and view snapshots are never parents.
 */
export type SnapshotKind = 'active' | 'view' | 'committed';

export interface SnapshotInfo {
  /** Key of an active or view snapshot, or name of a committed one. */
  name: string;
  parent?: string;
  kind: SnapshotKind;
  /** RFC 3339 time the snapshot (or, for committed ones, its active original) was made. */
  created: string;
  labels: Record<string, string>;
}

export interface SnapshotOpts {
  labels?: Record<string, string>;
}

/**
 * Storage that describes file systems as mounts and never performs them (STYLE habit 9).
 * Keys and names share one namespace. Mutations are atomic across crashes: a snapshot
 * either exists fully (record and directory) or not at all after restart.
 */
export interface Snapshotter {
  /** New writable snapshot on top of committed `parent`; AlreadyExists if key exists; NotFound if parent missing. */
  prepare(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]>;
  /** Read-only view of committed `parent`. */
  view(key: string, parent?: string, opts?: SnapshotOpts): Promise<Mount[]>;
  /** The mounts of an active or view snapshot, as `prepare`/`view` returned them. */
  mounts(key: string): Promise<Mount[]>;
  /** Turns active `key` into committed `name` (read-only from then on, usable as a parent). AlreadyExists if name exists. */
  commit(name: string, key: string, opts?: SnapshotOpts): Promise<void>;
  /** FailedPrecondition if it has children. Idempotent-ish: NotFound if missing. */
  remove(key: string): Promise<void>;
  stat(key: string): Promise<SnapshotInfo>;
  list(): Promise<SnapshotInfo[]>;
  /** Bytes and inodes of this snapshot's own layer dir (not parents). */
  usage(key: string): Promise<{ size: number; inodes: number }>;
  /**
   * Host path of the snapshot's own writable/contents dir (overlay upperdir). Used to apply a
   * layer tar straight into a fresh snapshot and to read a container's changes for diff/commit.
   */
  upperDir(key: string): Promise<string>;
  /** Host paths of the parent chain's dirs, nearest first (for diff: to know whether a path existed below). */
  lowerDirs(key: string): Promise<string[]>;
}
