import type { ProgressSink } from '../../core/progress.js';

/** Byte progress is reported at most this often per line, as Docker's progress reader. */
const INTERVAL_MS = 100;

/** A per-line progress reporter that drops updates closer than INTERVAL_MS, except the last. */
export function byteProgress(sink: ProgressSink, id: string, status: string, total: number): (current: number) => void {
  let last = 0;
  return (current) => {
    const now = Date.now();
    if (now - last < INTERVAL_MS && current < total) return;
    last = now;
    sink({ id, status, current, total });
  };
}
