import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { digestFromHex, type Digest } from '../core/digest.js';
import { Internal, InvalidArgument } from '../core/errors.js';

/**
 * Passes bytes through unchanged while hashing them (sha256) and counting them.
 * `digest()` and `size` are final only after the stream has ended ('finish' on the
 * writable side); asking for the digest earlier is a programming error.
 *
 * @example
 *   const d = new DigestStream();
 *   await pipeline(src, d, dst);
 *   d.digest(); // 'sha256:…'
 */
export class DigestStream extends Transform {
  #hash: Hash = createHash('sha256');
  #digest: Digest | undefined;
  size = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.#digest = digestFromHex(this.#hash.digest('hex'));
    cb();
  }

  digest(): Digest {
    if (this.#digest === undefined) throw new Internal('DigestStream.digest() called before the stream ended');
    return this.#digest;
  }
}

export interface ExpectedContent {
  digest?: Digest;
  size?: number;
}

/**
 * A pass-through that fails the stream with InvalidArgument when the bytes do not
 * match `expected`: at end for the digest, and as soon as the size is exceeded so a
 * hostile server cannot make us read forever. `what` names the blob in the message.
 * Nothing downstream should be committed unless this stream ended cleanly.
 */
export function verifyingStream(expected: ExpectedContent, what: string): Transform {
  const hash = expected.digest !== undefined ? createHash('sha256') : undefined;
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (expected.size !== undefined && size > expected.size) {
        cb(new InvalidArgument(`size mismatch for ${what}: expected ${expected.size} bytes, got more`));
        return;
      }
      hash?.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      if (expected.size !== undefined && size !== expected.size) {
        cb(new InvalidArgument(`size mismatch for ${what}: expected ${expected.size} bytes, got ${size}`));
        return;
      }
      if (hash !== undefined && expected.digest !== undefined) {
        const got = `sha256:${hash.digest('hex')}`;
        if (got !== expected.digest) {
          cb(new InvalidArgument(`digest mismatch for ${what}: expected ${expected.digest}, got ${got}`));
          return;
        }
      }
      cb();
    },
  });
}
