import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

/**
 * Content-addressed blob storage (layers, manifests, configs). Blobs are
 * immutable; a blob is visible only once its digest has been verified, so a
 * reader never sees partial or wrong content. Deleting is the garbage
 * collector's job: callers drop references, they do not delete blobs by hand.
 */
export interface ContentStore {
  /**
   * Streams source into the store, verifying expected digest/size when given; the
   * blob becomes visible only after verification (atomic rename). Idempotent: an
   * existing blob is success (the source is destroyed unread). On any failure,
   * including abort, nothing is left behind.
   */
  ingest(
    source: Readable,
    expected?: { digest?: Digest; size?: number },
    opts?: { signal?: AbortSignal },
  ): Promise<BlobInfo>;
  /** Small blobs (manifests, configs). */
  put(data: Uint8Array | string, expected?: { digest?: Digest }): Promise<BlobInfo>;
  has(digest: Digest): Promise<boolean>;
  /** @throws NotFound(`blob ${digest} not found`) */
  info(digest: Digest): Promise<BlobInfo>;
  /** @throws NotFound if absent. `start` skips that many bytes (resumed uploads, range reads). */
  read(digest: Digest, opts?: { start?: number }): Promise<Readable>;
  /** Whole blob in memory: for small blobs only. @throws NotFound */
  readBytes(digest: Digest): Promise<Buffer>;
  /** Where the blob lives (or would live), for sendfile-like uses; does not check existence. */
  path(digest: Digest): string;
  /** Idempotent: deleting an absent blob succeeds. */
  delete(digest: Digest): Promise<void>;
  list(): AsyncIterable<BlobInfo>;
}
