import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Digest } from '../../core/digest.js';
import { KeyedMutex } from '../../util/mutex.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import type { Logger } from '../../util/logger.js';
import type { BlobStore } from './blob-store.js';
import { RegistryError } from './errors.js';
import type { RegistryLayout } from './layout.js';
import type { RepoName } from './names.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface SessionFile {
  name: string;
  startedAt: string;
}

export interface UploadStatus {
  id: string;
  name: RepoName;
  /** Bytes received so far; the next chunk must start here. */
  size: number;
}

/** An inclusive byte range from `Content-Range`. */
export interface ChunkRange {
  start: number;
  end: number;
}

/**
 * Upload sessions. Data streams straight into `uploads/<uuid>/data` (never held in
 * memory); a session survives a restart, so a client resumes from the size on disk.
 * The digest is computed while receiving when the chunks arrive in one process;
 * otherwise (after a restart, or after a failed chunk) the file is re-hashed on commit.
 * Nothing under `uploads/` is visible to pulls: a blob exists only after its digest
 * was verified and the file renamed into `blobs/`.
 */
export class UploadStore {
  #lock = new KeyedMutex();
  /** Running hashes of live sessions, valid only while `offset` equals the size on disk. */
  #hashes = new Map<string, { hash: Hash; offset: number }>();

  constructor(
    readonly layout: RegistryLayout,
    readonly blobs: BlobStore,
  ) {}

  /**
   * Start-up sweep: drops sessions a crash left unusable (no session file, no data)
   * and those older than `maxAgeMs`, which no client will come back for.
   */
  async sweep(maxAgeMs: number, log: Logger): Promise<void> {
    let ids: string[];
    try {
      ids = await readdir(this.layout.uploadsDir);
    } catch {
      return;
    }
    for (const id of ids) {
      const dir = this.layout.upload(id);
      let keep = false;
      try {
        const s = JSON.parse(await readFile(join(dir, 'session.json'), 'utf8')) as SessionFile;
        await stat(join(dir, 'data'));
        keep = UUID_RE.test(id) && Date.now() - Date.parse(s.startedAt) < maxAgeMs;
      } catch {
        keep = false;
      }
      if (!keep) {
        await rm(dir, { recursive: true, force: true });
        log.info('removed stale upload', { id });
      }
    }
  }

  async create(name: RepoName): Promise<UploadStatus> {
    const id = randomUUID();
    const dir = this.layout.upload(id);
    await mkdir(dir, { recursive: true });
    await (await open(join(dir, 'data'), 'w')).close();
    // The session file is written last: a session without it is an interrupted create and is swept.
    await writeJsonAtomic(join(dir, 'session.json'), { name, startedAt: new Date().toISOString() } satisfies SessionFile);
    this.#hashes.set(id, { hash: createHash('sha256'), offset: 0 });
    return { id, name, size: 0 };
  }

  async status(name: RepoName, id: string): Promise<UploadStatus> {
    const unknown = () => new RegistryError('BLOB_UPLOAD_UNKNOWN', { uuid: id });
    if (!UUID_RE.test(id)) throw unknown();
    const dir = this.layout.upload(id);
    try {
      const s = JSON.parse(await readFile(join(dir, 'session.json'), 'utf8')) as SessionFile;
      if (s.name !== name) throw unknown();
      return { id, name, size: (await stat(join(dir, 'data'))).size };
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      throw unknown();
    }
  }

  /**
   * Appends a chunk. With a `Content-Range`, the chunk must start at the current size
   * (416 otherwise) and carry exactly the announced bytes; a short chunk is rolled
   * back so the session stays consistent. Without one (Docker's streamed PATCH),
   * whatever arrives is kept, so an interrupted stream can be resumed.
   */
  append(name: RepoName, id: string, body: Readable, range?: ChunkRange, contentLength?: number): Promise<UploadStatus> {
    return this.#lock.run(id, () => this.#append(name, id, body, range, contentLength));
  }

  async #append(name: RepoName, id: string, body: Readable, range?: ChunkRange, contentLength?: number): Promise<UploadStatus> {
    const st = await this.status(name, id);
    if (range && range.start !== st.size) {
      body.resume();
      throw new RegistryError('RANGE_INVALID', { uuid: id, expectedStart: st.size }, {
        headers: uploadHeaders(name, id, st.size),
      });
    }
    const expected = range ? range.end - range.start + 1 : contentLength;
    if (range && contentLength !== undefined && contentLength !== expected) {
      body.resume();
      throw new RegistryError('SIZE_INVALID', { contentLength, range: `${range.start}-${range.end}` });
    }
    let live = this.#hashes.get(id);
    if (live && live.offset !== st.size) live = undefined;
    this.#hashes.delete(id); // re-added only if the whole chunk lands
    let written = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        live?.hash.update(chunk);
        cb(null, chunk);
      },
    });
    const path = join(this.layout.upload(id), 'data');
    try {
      await pipeline(body, count, createWriteStream(path, { flags: 'a' }));
    } catch (err) {
      if (range) await truncate(path, st.size);
      throw new RegistryError('BLOB_UPLOAD_INVALID', { uuid: id, reason: 'upload interrupted' }, { cause: err });
    }
    if (expected !== undefined && written !== expected) {
      // A declared chunk that did not arrive whole is undone; the client resends it.
      await truncate(path, st.size);
      throw new RegistryError('SIZE_INVALID', { expected, received: written });
    }
    if (live) this.#hashes.set(id, { hash: live.hash, offset: st.size + written });
    return { id, name, size: st.size + written };
  }

  /**
   * Completes an upload: appends the last chunk if any, checks the content's digest
   * against `digest` and moves it into the blob store. A mismatch ends the session.
   */
  finalize(name: RepoName, id: string, digest: Digest, body?: Readable, range?: ChunkRange, contentLength?: number): Promise<number> {
    return this.#lock.run(id, async () => {
      const st = body ? await this.#append(name, id, body, range, contentLength) : await this.status(name, id);
      const path = join(this.layout.upload(id), 'data');
      const live = this.#hashes.get(id);
      const actual = live && live.offset === st.size ? `sha256:${live.hash.digest('hex')}` : await hashFile(path);
      this.#hashes.delete(id);
      if (actual !== digest) {
        await this.#remove(id);
        throw new RegistryError('DIGEST_INVALID', { digest, actual });
      }
      const fh = await open(path, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.blobs.commit(name, path, digest);
      await this.#remove(id);
      return st.size;
    });
  }

  cancel(name: RepoName, id: string): Promise<void> {
    return this.#lock.run(id, async () => {
      await this.status(name, id);
      await this.#remove(id);
    });
  }

  async #remove(id: string): Promise<void> {
    this.#hashes.delete(id);
    await rm(this.layout.upload(id), { recursive: true, force: true });
  }
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return `sha256:${h.digest('hex')}`;
}

/** The headers of every upload-session answer: where to send the next chunk and what was received. */
export function uploadHeaders(name: RepoName, id: string, size: number): Record<string, string> {
  return {
    Location: `/v2/${name}/blobs/uploads/${id}`,
    // The reference registry answers 0-0 for an empty session, too.
    Range: `0-${Math.max(size - 1, 0)}`,
    'Docker-Upload-UUID': id,
  };
}
