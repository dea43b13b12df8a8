import { Transform, type Readable } from 'node:stream';
import type { ContentStore } from '../../core/content.js';
import type { Digest } from '../../core/digest.js';

/**
 * A ContentStore that reports how many bytes of each blob are read through it, so
 * the unpack (which reads layers from the store itself) can show Docker's
 * "Extracting" progress without knowing about progress at all.
 */
export function observedContent(base: ContentStore, onRead: (digest: Digest, bytes: number) => void): ContentStore {
  return {
    ingest: (source, expected, opts) => base.ingest(source, expected, opts),
    put: (data, expected) => base.put(data, expected),
    has: (d) => base.has(d),
    info: (d) => base.info(d),
    async read(digest: Digest, opts?: { start?: number }): Promise<Readable> {
      const src = await base.read(digest, opts);
      let n = opts?.start ?? 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          n += chunk.length;
          onRead(digest, n);
          cb(null, chunk);
        },
      });
      src.on('error', (err) => counter.destroy(err));
      counter.on('close', () => src.destroy());
      return src.pipe(counter);
    },
    readBytes: (d) => base.readBytes(d),
    path: (d) => base.path(d),
    delete: (d) => base.delete(d),
    list: () => base.list(),
  };
}
