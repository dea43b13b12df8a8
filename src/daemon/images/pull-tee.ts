import { PassThrough, type Readable } from 'node:stream';

/** Each branch buffers up to this much before the slower one holds the source back. */
const BRANCH_BUFFER = 1 << 20;

/**
 * Splits `source` into two streams that each get every byte, at the pace of the slower
 * one (backpressure, nothing held beyond the branches' buffers). A failing or prematurely
 * closed source fails both branches; a branch its reader destroys is dropped and the other
 * one keeps flowing.
 */
export function teeStream(source: Readable): [PassThrough, PassThrough] {
  const branches = [new PassThrough({ highWaterMark: BRANCH_BUFFER }), new PassThrough({ highWaterMark: BRANCH_BUFFER })] as const;
  for (const b of branches) source.pipe(b);
  source.once('error', (err) => {
    for (const b of branches) b.destroy(err);
  });
  source.once('close', () => {
    if (source.readableEnded) return;
    const err = Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
    for (const b of branches) if (!b.destroyed) b.destroy(err);
  });
  return [branches[0], branches[1]];
}
