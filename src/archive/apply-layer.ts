import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Digest } from '../core/digest.js';
import { InvalidArgument, isBerthError } from '../core/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { decompressStream } from './compression.js';
import { DigestStream } from './digest-stream.js';
import { LayerWriter, type WhiteoutMode } from './layer-writer.js';
import { entryPaxRecords, tapRawPax } from './pax.js';

export interface ApplyLayerOptions {
  signal?: AbortSignal;
  /**
   * 'overlay' (default): `root` is an overlay snapshot's upper dir, so whiteouts become
   * 0/0 char devices and opaque xattrs. 'remove': `root` is a flat rootfs, so whiteouts
   * delete what they name.
   */
  whiteouts?: WhiteoutMode;
  logger?: Logger;
  /** Every entry gets this owner instead of the archived one (a builder's `ADD --chown` of a tar). */
  owner?: { uid: number; gid: number };
  /**
   * Nothing else changes `root` while the layer is applied (a fresh snapshot's upper dir):
   * directories checked once are trusted for later entries. Leave unset for live trees.
   */
  exclusive?: boolean;
}

export interface ApplyLayerResult {
  /** Bytes of the uncompressed tar. */
  size: number;
  /** sha256 of the uncompressed tar: the layer's DiffID. */
  diffId: Digest;
  /**
   * Apparent bytes of the non-directories the layer left in `root` (a hardlink once): the
   * snapshot's disk usage when `root` started empty, known without walking it again.
   */
  written: number;
}

/**
 * Extracts a layer tar (plain or gzip, detected from its first bytes) into `root`,
 * streaming entry by entry. Hostile entries (absolute or escaping names, writes through
 * symlinks, hardlinks out of the root) are refused with InvalidArgument naming the entry.
 * On any failure or abort the source is destroyed and the promise rejects; `root` is
 * then partly written and the caller discards it (snapshots are built in `new-*` dirs).
 *
 * @example
 *   const { diffId } = await applyLayer(createReadStream(blob), upperDir, { signal });
 */
export async function applyLayer(source: Readable, root: string, opts: ApplyLayerOptions = {}): Promise<ApplyLayerResult> {
  const counter = new DigestStream();
  const extract = tar.extract();
  const rawPax = tapRawPax(extract);
  const writer = new LayerWriter(root, { whiteouts: opts.whiteouts ?? 'overlay', logger: opts.logger ?? silentLogger, exclusive: opts.exclusive === true });
  const feeding = pipeline(decompressStream(source), counter, extract, opts.signal ? { signal: opts.signal } : {});
  // Observed below; this only keeps an early rejection from counting as unhandled.
  feeding.catch(() => {});

  let failure: { err: unknown } | undefined;
  try {
    for await (const entry of extract) {
      // streamx Readables are async iterables of Buffers; their typings just omit it.
      const content = entry as unknown as AsyncIterable<Uint8Array>;
      const pax = entryPaxRecords(rawPax.take(), paxOf(entry.header));
      if (opts.owner) {
        pax.delete('uid');
        pax.delete('gid');
      }
      const header = opts.owner ? { ...entry.header, uid: opts.owner.uid, gid: opts.owner.gid } : entry.header;
      await writer.apply(header, content, pax);
    }
    await writer.finish();
  } catch (err) {
    failure = { err };
  }
  if (failure !== undefined) {
    source.destroy();
    extract.destroy();
    const feedErr = await feeding.then(() => undefined, (e: unknown) => e);
    // Our own refusal explains more than the "premature close" it causes upstream;
    // otherwise the pipeline's error (abort, bad gzip, truncated tar) is the cause.
    if (isBerthError(failure.err) || feedErr === undefined) throw failure.err;
    throw asMalformed(feedErr);
  }
  await feeding.catch((err: unknown) => {
    throw asMalformed(err);
  });
  return { size: counter.size, diffId: counter.digest(), written: writer.writtenBytes };
}

/** Corrupt gzip (zlib's Z_* codes) or tar (tar-stream's plain Errors) is bad input, not an internal fault. */
function asMalformed(err: unknown): unknown {
  if (!(err instanceof Error) || isBerthError(err) || err.name === 'AbortError') return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('Z_')) return new InvalidArgument(`invalid gzip data in layer: ${err.message}`, { cause: err });
  if (code === undefined && /tar|Unexpected end of data|Header exceeds/i.test(err.message)) {
    return new InvalidArgument(`invalid layer tar: ${err.message}`, { cause: err });
  }
  return err;
}

function paxOf(h: tar.Header): Record<string, string> | null {
  const pax = h.pax;
  return pax !== null && typeof pax === 'object' ? (pax as Record<string, string>) : null;
}
