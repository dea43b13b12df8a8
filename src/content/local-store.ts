import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobInfo, ContentStore } from '../core/content.js';
import { digestFromHex, digestHex, isDigest, type Digest } from '../core/digest.js';
import { InvalidArgument, NotFound } from '../core/errors.js';
import { fsyncDir } from '../util/atomic.js';
import { KeyedMutex } from '../util/mutex.js';

const BLOB_MODE = 0o444;
/**
 * Read chunk size of blob streams. Unpacking a layer costs a thread-pool round trip per
 * chunk at every stage (read, gunzip, hash, write); 1 MiB chunks make gunzip 2-3x faster
 * than the default 64 KiB and bound memory per reader all the same.
 */
const READ_CHUNK = 1 << 20;
const HEX_RE = /^[a-f0-9]{64}$/;

/**
 * Content store on a local file system:
 *
 *   <root>/blobs/sha256/<hex>   verified, read-only blobs
 *   <root>/ingest/<random>      writes in progress; swept at open
 *
 * Invariant: a file under blobs/ always holds exactly the bytes its name
 * promises, because it is renamed there only after the digest was checked and
 * the data fsynced. Writers of the same digest are serialised, so the second
 * one finds the blob and returns without writing.
 */
export class LocalContentStore implements ContentStore {
  readonly #blobDir: string;
  readonly #ingestDir: string;
  readonly #locks = new KeyedMutex();

  private constructor(root: string) {
    this.#blobDir = join(root, 'blobs', 'sha256');
    this.#ingestDir = join(root, 'ingest');
  }

  /** Creates the layout if needed and removes ingests a crash left unfinished. */
  static async open(root: string): Promise<LocalContentStore> {
    const store = new LocalContentStore(root);
    await mkdir(store.#blobDir, { recursive: true });
    await mkdir(store.#ingestDir, { recursive: true });
    for (const name of await readdir(store.#ingestDir)) {
      await rm(join(store.#ingestDir, name), { recursive: true, force: true });
    }
    return store;
  }

  async ingest(
    source: Readable,
    expected: { digest?: Digest; size?: number } = {},
    opts: { signal?: AbortSignal } = {},
  ): Promise<BlobInfo> {
    const want = expected.digest;
    if (want === undefined) {
      // The key is unknown until the data is hashed, so write first and take the
      // lock only for the commit.
      return this.#write(source, expected.size, opts.signal, async (info, tmp) =>
        this.#locks.run(info.digest, () => this.#commit(info, tmp)),
      );
    }
    checkDigest(want);
    return this.#locks.run(want, async () => {
      const existing = await this.#statBlob(want);
      if (existing !== undefined) {
        source.destroy();
        checkSize(existing, expected.size);
        return existing;
      }
      return this.#write(source, expected.size, opts.signal, (info, tmp) => {
        if (info.digest !== want) {
          throw new InvalidArgument(`digest mismatch: expected ${want}, got ${info.digest}`);
        }
        return this.#commit(info, tmp);
      });
    });
  }

  async put(data: Uint8Array | string, expected: { digest?: Digest } = {}): Promise<BlobInfo> {
    const bytes =
      typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const actual = digestFromHex(createHash('sha256').update(bytes).digest('hex'));
    if (expected.digest !== undefined && expected.digest !== actual) {
      throw new InvalidArgument(`digest mismatch: expected ${expected.digest}, got ${actual}`);
    }
    return this.ingest(Readable.from([bytes]), { digest: actual, size: bytes.length });
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.#statBlob(digest)) !== undefined;
  }

  async info(digest: Digest): Promise<BlobInfo> {
    const info = await this.#statBlob(digest);
    if (info === undefined) throw notFound(digest);
    return info;
  }

  async read(digest: Digest, opts: { start?: number } = {}): Promise<Readable> {
    // Opening first pins the inode, so a concurrent delete cannot cut the read short.
    const fh = await open(this.path(digest), 'r').catch((err: unknown) => {
      throw isEnoent(err) ? notFound(digest, err) : err;
    });
    return fh.createReadStream({ highWaterMark: READ_CHUNK, ...(opts.start !== undefined ? { start: opts.start } : {}) });
  }

  async readBytes(digest: Digest): Promise<Buffer> {
    try {
      return await readFile(this.path(digest));
    } catch (err) {
      throw isEnoent(err) ? notFound(digest, err) : err;
    }
  }

  path(digest: Digest): string {
    checkDigest(digest);
    return join(this.#blobDir, digestHex(digest));
  }

  async delete(digest: Digest): Promise<void> {
    await this.#locks.run(digest, () => rm(this.path(digest), { force: true }));
  }

  async *list(): AsyncIterable<BlobInfo> {
    for (const name of await readdir(this.#blobDir)) {
      if (!HEX_RE.test(name)) continue;
      const info = await this.#statBlob(digestFromHex(name));
      if (info !== undefined) yield info;
    }
  }

  /**
   * Streams source into a fresh ingest file while hashing it, fsyncs it, then
   * hands it to `commit`. The ingest file is removed on every path but success.
   */
  async #write(
    source: Readable,
    expectedSize: number | undefined,
    signal: AbortSignal | undefined,
    commit: (info: BlobInfo, tmp: string) => Promise<BlobInfo>,
  ): Promise<BlobInfo> {
    const tmp = join(this.#ingestDir, randomBytes(12).toString('hex'));
    const hasher = new HashingTransform(expectedSize);
    const sink = createWriteStream(tmp, { flags: 'wx', mode: BLOB_MODE });
    try {
      await pipeline(source, hasher, sink, signal !== undefined ? { signal } : {});
      // fsync works on any descriptor of the inode; the write stream has closed its own.
      await fsyncFile(tmp);
      const info = hasher.result();
      checkSize(info, expectedSize);
      return await commit(info, tmp);
    } catch (err) {
      source.destroy();
      // The write stream may still be opening the file; removing it before the
      // stream has closed could let the open recreate it after the rm.
      if (!sink.closed) {
        const closed = new Promise<void>((resolve) => sink.once('close', () => resolve()));
        sink.destroy();
        await closed;
      }
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Caller holds the lock for info.digest. Publishes tmp unless the blob already exists. */
  async #commit(info: BlobInfo, tmp: string): Promise<BlobInfo> {
    if ((await this.#statBlob(info.digest)) !== undefined) {
      await rm(tmp, { force: true });
      return info;
    }
    await rename(tmp, this.path(info.digest));
    await fsyncDir(this.#blobDir);
    return info;
  }

  async #statBlob(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const st = await stat(this.path(digest));
      return { digest, size: st.size };
    } catch (err) {
      if (isEnoent(err)) return undefined;
      throw err;
    }
  }
}

/** Passes bytes through while hashing; fails as soon as more than the expected size arrives. */
class HashingTransform extends Transform {
  readonly #hash = createHash('sha256');
  readonly #limit: number | undefined;
  #size = 0;

  constructor(limit: number | undefined) {
    super();
    this.#limit = limit;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#limit !== undefined && this.#size > this.#limit) {
      cb(new InvalidArgument(`size mismatch: expected ${this.#limit} bytes, got more`));
      return;
    }
    this.#hash.update(chunk);
    cb(null, chunk);
  }

  result(): BlobInfo {
    return { digest: digestFromHex(this.#hash.digest('hex')), size: this.#size };
  }
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function checkSize(info: BlobInfo, expected: number | undefined): void {
  if (expected !== undefined && info.size !== expected) {
    throw new InvalidArgument(`size mismatch for ${info.digest}: expected ${expected} bytes, got ${info.size}`);
  }
}

/** Digest is a branded type, but a path built from an unchecked string could escape the store. */
function checkDigest(d: string): void {
  if (!isDigest(d)) throw new InvalidArgument(`invalid digest format: ${d}`);
}

function notFound(digest: Digest, cause?: unknown): NotFound {
  return new NotFound(`blob ${digest} not found`, { cause });
}

function isEnoent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}
