import { PassThrough, type Readable } from 'node:stream';

export interface EntryLike {
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/**
 * Bridges a tar-stream entry to a Node Readable that a consumer may stop
 * reading or destroy early (the content store does when a blob already
 * exists): the entry is then drained, so the archive goes on to the next
 * entry instead of failing with "premature close".
 */
export function detachableEntry(entry: EntryLike): { readable: Readable; drained: Promise<void> } {
  const pt = new PassThrough();
  const drained = new Promise<void>((resolve, reject) => {
    entry.on('end', () => {
      if (!pt.destroyed) pt.end();
      resolve();
    });
    entry.on('error', (err) => {
      pt.destroy(err);
      reject(err);
    });
  });
  entry.on('data', (chunk) => {
    if (pt.destroyed) return;
    if (!pt.write(chunk)) {
      entry.pause();
      const go = () => {
        pt.off('drain', go);
        pt.off('close', go);
        entry.resume();
      };
      pt.on('drain', go);
      pt.on('close', go);
    }
  });
  return { readable: pt, drained };
}
