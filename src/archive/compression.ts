import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { decompressExternal, externalFormat } from './external-decompress.js';

export type Compression = 'none' | 'gzip' | 'zstd';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
/** zstd's decoder is the host's zstd(1) (external-decompress knows how to run it). */
const ZSTD = externalFormat(ZSTD_MAGIC)!;
/** Bytes needed to tell the formats apart. */
const PEEK_BYTES = 4;

/** Tells compression from the first bytes of a blob; anything unknown is taken as plain. */
export function detectCompression(head: Buffer): Compression {
  if (head.length >= GZIP_MAGIC.length && head.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) return 'gzip';
  if (head.length >= ZSTD_MAGIC.length && head.subarray(0, ZSTD_MAGIC.length).equals(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/**
 * The uncompressed bytes of `source`, whatever its compression. Only the first few
 * bytes are held back to sniff the format; the rest streams with backpressure.
 * Destroying the result to stop early (no error, or an abort) destroys `source`;
 * on a failure `source` is left to its owner, who may still answer on it (an HTTP request
 * body). zstd goes through the host's zstd(1), as Node 20's zlib has no zstd.
 */
export function decompressStream(source: Readable): Readable {
  const it = decompressed(source);
  return new Readable({
    read() {
      it.next().then(
        (r) => this.push(r.done === true ? null : r.value),
        (err: unknown) => this.destroy(err as Error),
      );
    },
    // A generator parked on a pending read sees return() only once that read settles, which
    // for a stalled source is never: so a consumer stopping early closes the source here.
    destroy(err, cb) {
      // Stopping early is null or an AbortError (for-await break, an aborted pipeline).
      const stopped = err === null || err.name === 'AbortError';
      if (stopped && !source.readableEnded) source.destroy();
      it.return(undefined).catch(() => undefined);
      cb(err);
    },
  });
}

async function* decompressed(source: Readable): AsyncGenerator<Buffer> {
  const it: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < PEEK_BYTES) {
    const r = await it.next();
    if (r.done === true) {
      ended = true;
      break;
    }
    const chunk = toBuffer(r.value);
    head.push(chunk);
    headLen += chunk.length;
  }
  const first = Buffer.concat(head);
  const replay = async function* (): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (let r = await it.next(); r.done !== true; r = await it.next()) yield toBuffer(r.value);
  };
  const kind = detectCompression(first);
  if (kind === 'zstd') {
    // Node 20's zlib has no zstd: the host's zstd(1) decodes it, streamed.
    for await (const chunk of decompressExternal(Readable.from(replay(), { objectMode: false }), ZSTD)) yield chunk as Buffer;
    return;
  }
  if (kind === 'none') {
    yield* replay();
    return;
  }
  // pipeline (not pipe) so a failing source fails the gunzip side we read from. Output
  // chunks of 256 KiB (zlib's default is 16 KiB): inflate and every later stage cost
  // per chunk, and this makes gunzip of a layer about twice as fast.
  const gunzip = pipeline(Readable.from(replay(), { objectMode: false }), createGunzip({ chunkSize: 256 << 10 }), () => {});
  for await (const chunk of gunzip) yield chunk as Buffer;
}

function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
}
