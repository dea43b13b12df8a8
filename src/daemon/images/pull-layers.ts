import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Descriptor } from '../../core/descriptor.js';
import { shortId, type Digest } from '../../core/digest.js';
import { isBerthError, messageOf, NotFound, Unavailable, type BerthError } from '../../core/errors.js';
import type { ProgressSink } from '../../core/progress.js';
import { coalesceStream } from '../../archive/index.js';
import { chainIds } from '../../images/chain-id.js';
import type { ImageDeps } from '../../images/deps.js';
import { unpackLayers, unpackStreamedLayer } from '../../images/unpack.js';
import type { RegistryRepository } from '../../registry/client/index.js';
import { Semaphore } from '../../util/semaphore.js';
import { observedContent } from './observed-content.js';
import { byteProgress } from './progress-throttle.js';
import { teeStream } from './pull-tee.js';

/** Docker's default max-concurrent-downloads. */
export const DOWNLOAD_CONCURRENCY = 3;
/** Docker's default max-download-attempts: a layer whose transfer breaks is fetched again this often. */
export const DOWNLOAD_ATTEMPTS = 5;

export interface LayerPullInput {
  deps: ImageDeps;
  repo: RegistryRepository;
  layers: readonly Descriptor[];
  diffIds: readonly Digest[];
  progress: ProgressSink;
  signal?: AbortSignal;
  /** Tries per layer (daemon `max-download-attempts`); DOWNLOAD_ATTEMPTS when absent. */
  attempts?: number;
}

/**
 * Brings every layer of an image into the snapshotter, as Docker's pull does: layers
 * whose chain is already unpacked are skipped ("Already exists"); the others download
 * up to three at a time into the content store (verified while streaming, never held
 * in memory) while each is unpacked, in order, as soon as it and its parents are in.
 * A layer whose download starts while the unpack is waiting for it (its parents are
 * unpacked) is unpacked straight from the download as the same bytes go into the store,
 * instead of being read back afterwards; its snapshot is committed only once the store
 * verified the blob. A transfer that breaks (connection lost, 5xx) is retried after a
 * countdown, as Docker does; the first failure that stays cancels the rest and is rethrown
 * naming the blob; blobs already stored stay for a retry (or for GC), and no image record is
 * written here.
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
  /** The layer the in-order unpack below waits for: its parents are all unpacked. */
  let next = present;
  /** Layers unpacked by their own download. */
  const streamedDone = new Set<number>();
  for (let i = present; i < layers.length; i++) {
    const l = layers[i]!;
    if (downloads.has(l.digest)) continue;
    if (slots.full) progress({ id: shortId(l.digest), status: 'Waiting' });
    const p = slots.run(async () => {
      const unpack: StreamUnpack | undefined =
        next === i
          ? async (streamed) => {
              await unpackStreamedLayer(deps, layers.slice(0, i + 1), diffIds.slice(0, i + 1), streamed, signal);
              streamedDone.add(i);
            }
          : undefined;
      await download(deps, repo, l, progress, signal, input.attempts ?? DOWNLOAD_ATTEMPTS, unpack);
    });
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
      next = i;
      await downloads.get(l.digest);
      const id = shortId(l.digest);
      if (streamedDone.has(i)) {
        progress({ id, status: 'Extracting', current: l.size, total: l.size });
        progress({ id, status: 'Pull complete' });
        continue;
      }
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

/** Unpacks a layer from its download stream; see unpackStreamedLayer. */
type StreamUnpack = (streamed: { stream: Readable; stored: Promise<unknown> }) => Promise<void>;

async function isCommitted(deps: ImageDeps, chainId: Digest): Promise<boolean> {
  try {
    return (await deps.snapshots.stat(chainId)).kind === 'committed';
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
}

/**
 * One blob into the content store, tried up to `attempts` times while its transfer breaks.
 * Only the first try may unpack as it downloads: a retry's bytes go to the store, and the
 * in-order unpack reads them from there.
 */
async function download(
  deps: ImageDeps,
  repo: RegistryRepository,
  layer: Descriptor,
  progress: ProgressSink,
  signal: AbortSignal,
  attempts: number,
  unpack?: StreamUnpack,
): Promise<void> {
  const id = shortId(layer.digest);
  for (let attempt = 1; ; attempt++) {
    try {
      await downloadOnce(deps, repo, layer, progress, signal, attempt === 1 ? unpack : undefined);
      return;
    } catch (err) {
      if (!(err instanceof TransferBroke)) throw err;
      if (attempt >= attempts || signal.aborted) throw blobError(layer.digest, err.reason, signal);
      await countdown(progress, id, RETRY_DELAY_S * 2 ** (attempt - 1), signal);
    }
  }
}

/** Seconds before the first retry of a layer; each next retry waits twice as long. */
const RETRY_DELAY_S = 1;

/** Docker's "Retrying in N seconds" line, counting down each second. */
async function countdown(progress: ProgressSink, id: string, seconds: number, signal: AbortSignal): Promise<void> {
  for (let left = seconds; left > 0; left--) {
    progress({ id, status: `Retrying in ${left} second${left === 1 ? '' : 's'}` });
    await sleep(1000, undefined, { signal });
  }
}

/** A transfer that broke for reasons of the connection or the registry's health, worth another try. */
class TransferBroke {
  constructor(readonly reason: unknown) {}
}

/** Errors of the wire, not of the content: Node's socket and stream errors and undici's. */
const TRANSPORT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE']);

function brokeInTransit(err: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return false;
  // A 5xx from the registry; 4xx (auth, unknown blob) and the store's verdicts stay failures.
  if (err instanceof Unavailable) return true;
  if (isBerthError(err)) return false;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (typeof code === 'string' && (TRANSPORT_CODES.has(code) || code.startsWith('UND_ERR_'))) || messageOf(err) === 'aborted';
}

/**
 * One try: the blob into the content store, digest and size checked while it streams; with
 * `unpack`, the same bytes are unpacked as they arrive (a tee with backpressure).
 */
async function downloadOnce(
  deps: ImageDeps,
  repo: RegistryRepository,
  layer: Descriptor,
  progress: ProgressSink,
  signal: AbortSignal,
  unpack?: StreamUnpack,
): Promise<void> {
  const id = shortId(layer.digest);
  signal.throwIfAborted();
  if (await deps.content.has(layer.digest)) {
    // Left by an earlier, interrupted pull: nothing to transfer again.
    progress({ id, status: 'Download complete' });
    return;
  }
  try {
    const res = await repo.getBlob(layer.digest, signal).catch((err: unknown) => {
      throw brokeInTransit(err, signal) ? new TransferBroke(err) : err;
    });
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
    // Socket reads are 16-64 KiB; hashing, gunzip and file writes go faster per MiB.
    const piping = pipeline(res.body, coalesceStream(), counter, { signal });
    const [toStore, toUnpack] = unpack ? teeStream(counter) : [counter, undefined];
    // The store verifies digest and size as the bytes pass and publishes only a match.
    const stored = deps.content.ingest(toStore, { digest: layer.digest, size: layer.size }, { signal });
    let unpacking: Promise<void> = Promise.resolve();
    if (unpack && toUnpack) {
      // A store that refuses the bytes (too many, wrong digest) stops the unpack at once.
      stored.catch((err: unknown) => toUnpack.destroy(err instanceof Error ? err : new Error(String(err))));
      // A failed unpack drops its branch, and the download still runs to the store's verdict:
      // a corrupt blob (bad gzip, broken tar) is then reported as the blob's digest mismatch.
      unpacking = unpack({ stream: toUnpack, stored });
    }
    const [piped, verified, unpacked] = await Promise.allSettled([piping, stored, unpacking]);
    // The store's verdict (digest or size mismatch) says more than the streams it cut short.
    if (verified.status === 'rejected' && (isBerthError(verified.reason) || piped.status === 'fulfilled')) throw verified.reason;
    if (piped.status === 'rejected') throw brokeInTransit(piped.reason, signal) ? new TransferBroke(piped.reason) : piped.reason;
    if (verified.status === 'rejected') throw verified.reason;
    // The blob is the one asked for, so an unpack failure (a hostile entry, a DiffID
    // mismatch) is about its content and keeps its own words, as when unpacked from the store.
    if (unpacked.status === 'rejected') throw new UnpackFailure(unpacked.reason);
  } catch (err) {
    if (err instanceof UnpackFailure) throw err.reason;
    if (err instanceof TransferBroke) throw err;
    throw blobError(layer.digest, err, signal);
  }
  progress({ id, status: 'Download complete' });
}

/** Carries an unpack error past the blob-error wrapping. */
class UnpackFailure {
  constructor(readonly reason: unknown) {}
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
