import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '../../core/descriptor.js';
import { shortId, type Digest } from '../../core/digest.js';
import { isBerthError, messageOf, NotFound, Unavailable, type BerthError } from '../../core/errors.js';
import type { ProgressSink } from '../../core/progress.js';
import { chainIds } from '../../images/chain-id.js';
import type { ImageDeps } from '../../images/deps.js';
import { unpackLayers } from '../../images/unpack.js';
import type { RegistryRepository } from '../../registry/client/index.js';
import { Semaphore } from '../../util/semaphore.js';
import { observedContent } from './observed-content.js';
import { byteProgress } from './progress-throttle.js';

/** Docker's default max-concurrent-downloads. */
export const DOWNLOAD_CONCURRENCY = 3;

export interface LayerPullInput {
  deps: ImageDeps;
  repo: RegistryRepository;
  layers: readonly Descriptor[];
  diffIds: readonly Digest[];
  progress: ProgressSink;
  signal?: AbortSignal;
}

/**
 * Brings every layer of an image into the snapshotter, as Docker's pull does: layers
 * whose chain is already unpacked are skipped ("Already exists"); the others download
 * up to three at a time into the content store (verified while streaming, never held
 * in memory) while each is unpacked, in order, as soon as it and its parents are in.
 * The first failure cancels the rest and is rethrown naming the blob; blobs already
 * stored stay for a retry (or for GC), and no image record is written here.
 */
export async function pullLayers(input: LayerPullInput): Promise<void> {
  const { deps, repo, layers, diffIds, progress } = input;
  const chains = chainIds(diffIds);
  let present = 0;
  for (let i = layers.length - 1; i >= 0; i--) {
    if (await isCommitted(deps, chains[i]!)) {
      present = i + 1;
      break;
    }
  }
  for (let i = 0; i < present; i++) progress({ id: shortId(layers[i]!.digest), status: 'Already exists' });
  const missing = layers.slice(present);
  if (missing.length === 0) return;

  const cancel = new AbortController();
  const signal = input.signal ? AbortSignal.any([input.signal, cancel.signal]) : cancel.signal;
  let firstError: unknown;
  const fail = (err: unknown) => {
    firstError ??= err;
    cancel.abort();
  };

  const seen = new Set<string>();
  for (const l of missing) {
    if (seen.has(l.digest)) continue;
    seen.add(l.digest);
    progress({ id: shortId(l.digest), status: 'Pulling fs layer' });
  }
  const slots = new Semaphore(DOWNLOAD_CONCURRENCY);
  const downloads = new Map<string, Promise<void>>();
  for (const l of missing) {
    if (downloads.has(l.digest)) continue;
    if (slots.full) progress({ id: shortId(l.digest), status: 'Waiting' });
    const p = slots.run(() => download(deps, repo, l, progress, signal));
    p.catch(fail);
    downloads.set(l.digest, p);
  }

  const extracting = new Map<string, (n: number) => void>();
  const unpackDeps: ImageDeps = {
    ...deps,
    content: observedContent(deps.content, (digest, n) => extracting.get(digest)?.(n)),
  };
  try {
    for (let i = present; i < layers.length; i++) {
      const l = layers[i]!;
      await downloads.get(l.digest);
      const id = shortId(l.digest);
      extracting.set(l.digest, byteProgress(progress, id, 'Extracting', l.size));
      progress({ id, status: 'Extracting', current: 0, total: l.size });
      await unpackLayers(unpackDeps, layers.slice(0, i + 1), diffIds.slice(0, i + 1), signal);
      extracting.delete(l.digest);
      progress({ id, status: 'Pull complete' });
    }
  } catch (err) {
    fail(err);
  }
  await Promise.allSettled(downloads.values());
  if (firstError !== undefined) throw firstError;
}

async function isCommitted(deps: ImageDeps, chainId: Digest): Promise<boolean> {
  try {
    return (await deps.snapshots.stat(chainId)).kind === 'committed';
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
}

/** One blob into the content store, digest and size checked while it streams. */
async function download(deps: ImageDeps, repo: RegistryRepository, layer: Descriptor, progress: ProgressSink, signal: AbortSignal): Promise<void> {
  const id = shortId(layer.digest);
  signal.throwIfAborted();
  if (await deps.content.has(layer.digest)) {
    // Left by an earlier, interrupted pull: nothing to transfer again.
    progress({ id, status: 'Download complete' });
    return;
  }
  try {
    const res = await repo.getBlob(layer.digest, signal);
    const report = byteProgress(progress, id, 'Downloading', layer.size);
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        received += chunk.length;
        report(received);
        cb(null, chunk);
      },
      flush(cb) {
        progress({ id, status: 'Verifying Checksum' });
        cb();
      },
    });
    // The store verifies digest and size as the bytes pass and publishes only a match.
    const stored = deps.content.ingest(counter, { digest: layer.digest, size: layer.size }, { signal });
    const [piped, verified] = await Promise.allSettled([pipeline(res.body, counter, { signal }), stored]);
    // The store's verdict (digest or size mismatch) says more than the stream it cut short.
    if (verified.status === 'rejected' && (isBerthError(verified.reason) || piped.status === 'fulfilled')) throw verified.reason;
    if (piped.status === 'rejected') throw piped.reason;
  } catch (err) {
    throw blobError(layer.digest, err, signal);
  }
  progress({ id, status: 'Download complete' });
}

/** The failure of one blob, with its digest in the message and its class kept. */
function blobError(digest: Digest, err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted && !isBerthError(err)) return err;
  let msg = messageOf(err);
  if (msg === 'aborted' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
    msg = 'unexpected EOF (the registry closed the connection mid-blob)';
  }
  if (msg.includes(digest)) msg = msg.replace(`for ${digest}`, '').replace(/\s+:/, ':');
  const text = `failed to pull blob ${digest}: ${msg}`;
  if (isBerthError(err)) {
    const Ctor = err.constructor as new (m: string, o?: { cause?: unknown }) => BerthError;
    return new Ctor(text, { cause: err });
  }
  return new Unavailable(text, { cause: err });
}
