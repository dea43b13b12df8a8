import { Transform, type TransformCallback } from 'node:stream';

/** Default size of the chunks passed on. */
export const COALESCE_BYTES = 1 << 20;

/**
 * Gathers small chunks (a socket's 16-64 KiB reads) into chunks of at least `bytes` before
 * passing them on, so every later stage (hash, gunzip, file write) pays its per-chunk cost
 * (a thread-pool round trip for zlib and fs) once per MiB instead of once per read. A chunk
 * already that big with nothing pending passes through without a copy. Holds at most
 * `bytes` plus one chunk; the rest at end of stream.
 */
export function coalesceStream(bytes = COALESCE_BYTES): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      if (size === 0 && chunk.length >= bytes) {
        cb(null, chunk);
        return;
      }
      pending.push(chunk);
      size += chunk.length;
      if (size < bytes) {
        cb();
        return;
      }
      const out = Buffer.concat(pending, size);
      pending = [];
      size = 0;
      cb(null, out);
    },
    flush(cb: TransformCallback) {
      if (size > 0) this.push(Buffer.concat(pending, size));
      pending = [];
      cb();
    },
  });
}
