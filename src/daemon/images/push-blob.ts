import { createReadStream } from 'node:fs';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Descriptor } from '../../core/descriptor.js';
import type { Digest } from '../../core/digest.js';
import { MediaType } from '../../core/mediatypes.js';
import type { ContentStore } from '../../core/content.js';
import type { RegistryRepository, UploadSession } from '../../registry/client/index.js';

/** Blobs up to this size go in one PUT; bigger ones in PATCH chunks of CHUNK_SIZE (or what the registry asks). */
export const MONOLITHIC_MAX = 16 << 20;
export const CHUNK_SIZE = 16 << 20;

export function isCompressedLayer(mediaType: string): boolean {
  return /(\.|\+)(gzip|zstd)$/.test(mediaType);
}

/**
 * The layer as it travels to a registry: stored compressed blobs are sent as they are
 * (so a pulled image pushes back with the same digests); an uncompressed layer
 * (loaded from a `docker save`) is gzipped once, streaming, into the content store.
 */
export async function compressedLayer(content: ContentStore, layer: Descriptor, signal?: AbortSignal): Promise<Descriptor> {
  if (isCompressedLayer(layer.mediaType)) return layer;
  const gz = createGzip();
  const out = new PassThrough();
  const stored = content.ingest(out, undefined, { signal });
  const [piped, result] = await Promise.allSettled([pipeline(await content.read(layer.digest), gz, out, { signal }), stored]);
  if (piped.status === 'rejected') throw piped.reason;
  if (result.status === 'rejected') throw result.reason;
  const mediaType = layer.mediaType === MediaType.DockerLayer ? MediaType.DockerLayerGzip : MediaType.OciLayerGzip;
  return { mediaType, digest: result.value.digest, size: result.value.size };
}

/**
 * Uploads a stored blob: one monolithic PUT for small blobs, PATCH chunks with
 * Content-Range for big ones or when the registry asks for a minimum chunk length.
 * `session` is an upload a failed cross-repository mount already opened.
 */
export async function uploadBlob(
  repo: RegistryRepository,
  content: ContentStore,
  blob: { digest: Digest; size: number },
  opts: { session?: UploadSession; onBytes?: (sent: number) => void; signal?: AbortSignal } = {},
): Promise<void> {
  let session = opts.session ?? (await repo.startUpload(opts.signal));
  let sent = 0;
  const counted = (start: number, length: number) => async (): Promise<Readable> => {
    sent = start;
    const file = createReadStream(content.path(blob.digest), length > 0 ? { start, end: start + length - 1 } : { start: 0, end: -1 });
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        sent += chunk.length;
        opts.onBytes?.(sent);
        cb(null, chunk);
      },
    });
    file.on('error', (err) => counter.destroy(err));
    return file.pipe(counter);
  };
  if (blob.size <= MONOLITHIC_MAX && session.minChunk === undefined) {
    await repo.putBlob(session, blob.digest, blob.size, counted(0, blob.size), opts.signal);
    return;
  }
  const chunk = Math.max(CHUNK_SIZE, session.minChunk ?? 0);
  for (let start = 0; start < blob.size; start += chunk) {
    const length = Math.min(chunk, blob.size - start);
    session = await repo.patchChunk(session, start, length, counted(start, length), opts.signal);
  }
  await repo.finishUpload(session, blob.digest, opts.signal);
}
