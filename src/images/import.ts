import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { PassThrough, type Readable } from 'node:stream';
import type { ContainerConfig, ImageConfig } from '../core/image-config.js';
import { MediaType } from '../core/mediatypes.js';
import { decompressStream, DigestStream } from '../archive/index.js';
import type { ImageDeps } from './deps.js';
import type { ImageRecord } from './image-record.js';
import { applyChanges } from './changes.js';
import { configBytes, storeImage } from './create-image.js';

export interface ImportOptions {
  changes?: string[];
  message?: string;
  /** What the history comment names as the source, as Docker's "Imported from -". */
  sourceName?: string;
  architecture?: string;
  os?: string;
  signal?: AbortSignal;
}

/**
 * `docker import`: a rootfs tarball (plain or compressed) becomes a one-layer image.
 * The tar streams through a hash (its DiffID) and gzip into the content store.
 */
export async function importImage(deps: ImageDeps, source: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
  const diff = new DigestStream();
  const gz = createGzip();
  const out = new PassThrough();
  const ingest = deps.content.ingest(out, undefined, { signal: opts.signal });
  await Promise.all([pipeline(decompressStream(source), diff, gz, out, { signal: opts.signal }), ingest]);
  const blob = await ingest;
  const now = new Date().toISOString();
  const runtime: ContainerConfig = applyChanges({}, opts.changes ?? []);
  const config: ImageConfig = {
    architecture: opts.architecture ?? 'amd64',
    os: opts.os ?? 'linux',
    created: now,
    config: runtime,
    rootfs: { type: 'layers', diff_ids: [diff.digest()] },
    history: [{ created: now, created_by: '', comment: opts.message || `Imported from ${opts.sourceName ?? '-'}` }],
  };
  return storeImage(deps, {
    config: configBytes(config),
    layers: [{ mediaType: MediaType.OciLayerGzip, digest: blob.digest, size: blob.size }],
    signal: opts.signal,
  });
}
