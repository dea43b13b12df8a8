/**
 * A typed progress event of long work (pull, push). The daemon emits these; only
 * `api/stream/` turns them into Docker's JSON message stream, and the CLI renders
 * that stream with the same bar as Docker's `JSONProgress.String()`.
 */
export interface ProgressEvent {
  /** Short layer ID or tag the line belongs to; absent for whole-operation lines. */
  id?: string;
  status: string;
  current?: number;
  total?: number;
  /** Extra machine-readable result (push's {Tag, Digest, Size}). */
  aux?: Record<string, unknown>;
}

export type ProgressSink = (e: ProgressEvent) => void;

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** go-units HumanSize: decimal units, 4 significant digits (`772.8kB`, `2.15MB`). */
export function humanSizeProgress(bytes: number): string {
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < UNITS.length - 1) {
    n /= 1000;
    i++;
  }
  return `${Number(n.toPrecision(4))}${UNITS[i]}`;
}

/**
 * Docker's progress text: `[=====>      ]  1.05MB/2.15MB`. The bar shows only on
 * wide outputs (Docker: terminal wider than 110 columns; the daemon assumes 200).
 * Empty when there is nothing to show, which is how the CLI tells a progress line.
 */
export function formatProgress(current: number | undefined, total: number | undefined, width = 200): string {
  const cur = current ?? 0;
  const tot = total ?? 0;
  if (cur <= 0 && tot <= 0) return '';
  if (tot <= 0) return humanSizeProgress(cur).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((cur / tot) * 100) / 2));
  const bar = width > 110 ? `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] ` : '';
  const numbers = cur > tot ? humanSizeProgress(cur).padStart(8) : `${humanSizeProgress(cur).padStart(8)}/${humanSizeProgress(tot)}`;
  return bar + numbers;
}
