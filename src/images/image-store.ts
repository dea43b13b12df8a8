import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../core/digest.js';
import { isDigest } from '../core/digest.js';
import { NotFound, InvalidArgument } from '../core/errors.js';
import type { Reference } from '../core/reference.js';
import { familiarString, formatReference, parseReference, isShortIdCandidate } from '../core/reference.js';
import { writeJsonAtomic } from '../util/atomic.js';
import { KeyedMutex } from '../util/mutex.js';
import type { ImageRecord, LayerRecord } from './image-record.js';

/** Docker names a missing image by its normalised familiar form (`nosuch:latest`). */
function displayName(nameOrId: string): string {
  try {
    return familiarString(parseReference(nameOrId));
  } catch {
    return nameOrId;
  }
}

interface IndexFile {
  version: 1;
  images: Record<string, ImageRecord>;
  /** full reference (`docker.io/library/busybox:latest`) -> image ID */
  tags: Record<string, Digest>;
  layers: Record<string, LayerRecord>;
}

/**
 * Image records, repository tags and layer sizes in one JSON index, rewritten
 * atomically on each change so a crash leaves the old or the new index, never a mix.
 * Mutations are serialised; reads see the in-memory copy.
 */
export class ImageStore {
  #path: string;
  #index: IndexFile;
  #lock = new KeyedMutex();

  private constructor(path: string, index: IndexFile) {
    this.#path = path;
    this.#index = index;
  }

  static async open(root: string): Promise<ImageStore> {
    await mkdir(root, { recursive: true });
    const path = join(root, 'index.json');
    let index: IndexFile = { version: 1, images: {}, tags: {}, layers: {} };
    try {
      index = JSON.parse(await readFile(path, 'utf8')) as IndexFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new ImageStore(path, index);
  }

  /** Runs `fn` on the index under the lock and persists what it changed. */
  async #mutate<T>(fn: (idx: IndexFile) => T): Promise<T> {
    return this.#lock.run('index', async () => {
      const next = structuredClone(this.#index);
      const result = fn(next);
      await writeJsonAtomic(this.#path, next);
      this.#index = next;
      return result;
    });
  }

  list(): ImageRecord[] {
    return Object.values(this.#index.images);
  }

  get(id: Digest): ImageRecord | undefined {
    return this.#index.images[id];
  }

  /** Full references pointing at `id`, sorted. */
  tagsOf(id: Digest): string[] {
    return Object.entries(this.#index.tags)
      .filter(([, v]) => v === id)
      .map(([k]) => k)
      .sort();
  }

  allTags(): ReadonlyMap<string, Digest> {
    return new Map(Object.entries(this.#index.tags));
  }

  layer(chainId: Digest): LayerRecord | undefined {
    return this.#index.layers[chainId];
  }

  /**
   * Resolves what a user typed (`busybox`, `busybox:1`, `sha256:abc...`, `abc12`,
   * `repo@sha256:...`) to an image ID, with Docker's precedence: full ID, then
   * reference, then ID prefix.
   */
  resolve(nameOrId: string): Digest {
    const id = this.tryResolve(nameOrId);
    if (!id) throw new NotFound(`No such image: ${displayName(nameOrId)}`);
    return id;
  }

  tryResolve(nameOrId: string): Digest | undefined {
    const full = nameOrId.startsWith('sha256:') ? nameOrId : `sha256:${nameOrId}`;
    if (isDigest(full) && this.#index.images[full]) return full;
    let ref: Reference | undefined;
    try {
      ref = parseReference(nameOrId);
    } catch {
      ref = undefined;
    }
    if (ref) {
      if (ref.digest) {
        const repo = formatReference({ domain: ref.domain, path: ref.path });
        const want = `${repo}@${ref.digest}`;
        for (const img of this.list()) if (img.repoDigests.includes(want)) return img.id;
        // Docker also accepts repo@<image id>
        if (this.#index.images[ref.digest]) return ref.digest;
      } else {
        const id = this.#index.tags[formatReference(ref)];
        if (id) return id;
      }
    }
    const hex = nameOrId.startsWith('sha256:') ? nameOrId.slice(7) : nameOrId;
    if (isShortIdCandidate(hex)) {
      const matches = Object.keys(this.#index.images).filter((k) => k.slice(7).startsWith(hex));
      if (matches.length > 1) throw new InvalidArgument(`multiple IDs found with provided prefix: ${hex}`);
      if (matches.length === 1) return matches[0] as Digest;
    }
    return undefined;
  }

  /** Adds or replaces an image record and its layer sizes. */
  async put(record: ImageRecord, layers: LayerRecord[]): Promise<void> {
    await this.#mutate((idx) => {
      const old = idx.images[record.id];
      const merged: ImageRecord = old
        ? { ...record, repoDigests: [...new Set([...old.repoDigests, ...record.repoDigests])], stored: old.stored }
        : record;
      idx.images[record.id] = merged;
      for (const l of layers) idx.layers[l.chainId] = l;
    });
  }

  /** Points `ref` at `id`; returns the image it pointed at before, if any other. */
  async tag(ref: Reference, id: Digest): Promise<Digest | undefined> {
    if (!this.#index.images[id]) throw new NotFound(`No such image: ${id}`);
    const key = formatReference(ref);
    return this.#mutate((idx) => {
      const prev = idx.tags[key];
      idx.tags[key] = id;
      idx.images[id]!.lastTagTime = new Date().toISOString();
      return prev !== id ? prev : undefined;
    });
  }

  async untag(fullRef: string): Promise<void> {
    await this.#mutate((idx) => {
      delete idx.tags[fullRef];
    });
  }

  async removeRepoDigest(id: Digest, repoDigest: string): Promise<void> {
    await this.#mutate((idx) => {
      const img = idx.images[id];
      if (img) img.repoDigests = img.repoDigests.filter((d) => d !== repoDigest);
    });
  }

  /** Deletes the record and every tag that points at it. */
  async delete(id: Digest): Promise<void> {
    await this.#mutate((idx) => {
      delete idx.images[id];
      for (const [k, v] of Object.entries(idx.tags)) if (v === id) delete idx.tags[k];
    });
  }

  async deleteLayers(chainIds: Digest[]): Promise<void> {
    await this.#mutate((idx) => {
      for (const c of chainIds) delete idx.layers[c];
    });
  }
}
