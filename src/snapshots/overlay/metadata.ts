import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { Internal } from '../../core/errors.js';
import type { SnapshotKind } from '../../core/snapshots.js';
import { writeJsonAtomic } from '../../util/atomic.js';

/** What metadata.json says about one snapshot; its directory is `snapshots/<id>`. */
export interface SnapshotRecord {
  id: number;
  kind: SnapshotKind;
  parent?: string;
  created: string;
  labels: Record<string, string>;
}

/**
 * The whole store's state. Treated as immutable: a mutation builds a new value, writes it,
 * and only then replaces the in-memory one, so memory never runs ahead of disk.
 * Invariant: `nextId` is above every id ever handed out, so ids are never reused.
 */
export interface Metadata {
  nextId: number;
  /** Keyed by snapshot key or committed name; a Map so no key can collide with Object's. */
  snapshots: ReadonlyMap<string, SnapshotRecord>;
}

const recordSchema = z.object({
  id: z.number().int().positive(),
  kind: z.enum(['active', 'view', 'committed']),
  parent: z.string().optional(),
  created: z.string(),
  labels: z.record(z.string()),
});

const fileSchema = z.object({
  version: z.literal(1),
  nextId: z.number().int().positive(),
  snapshots: z.array(z.object({ key: z.string() }).merge(recordSchema)),
});

export const emptyMetadata: Metadata = { nextId: 1, snapshots: new Map() };

/** Reads metadata.json; a missing file is an empty store (first start). */
export async function loadMetadata(path: string): Promise<Metadata> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyMetadata;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Internal(`corrupt snapshot metadata ${path}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new Internal(`corrupt snapshot metadata ${path}: ${parsed.error.message}`);
  const snapshots = new Map<string, SnapshotRecord>();
  for (const { key, ...rec } of parsed.data.snapshots) snapshots.set(key, rec);
  return { nextId: parsed.data.nextId, snapshots };
}

/** Writes metadata.json atomically (temp, fsync, rename, fsync dir). */
export async function saveMetadata(path: string, md: Metadata): Promise<void> {
  const snapshots = [...md.snapshots].map(([key, rec]) => ({ key, ...rec }));
  await writeJsonAtomic(path, { version: 1, nextId: md.nextId, snapshots }, 0o600);
}
