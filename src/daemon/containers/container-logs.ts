import { InvalidArgument, NotImplemented } from '../../core/errors.js';
import { CAUGHT_UP, readLogFiles, toUtcNano, type LogRecord, type ReadLogOptions } from '../../runtime/logs/k8s-file.js';
import { logFiles } from '../../runtime/logs/rotation.js';
import type { DaemonContext } from '../context.js';

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail?: string;
  since?: string;
  until?: string;
  signal?: AbortSignal;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  time: string;
  data: Buffer;
}

/** Docker's since/until: unix seconds (with fraction), RFC 3339, or a duration like `10m` before now. */
export function parseTimeArg(v: string | undefined, what: string): number | undefined {
  if (v === undefined || v === '' || v === '0') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v);
  if (d) return Date.now() - Number(d[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[d[2] as 'ms' | 's' | 'm' | 'h'];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgument(`invalid value for "${what}": ${v}`);
  return t;
}

function toChunk(r: LogRecord): LogChunk {
  return { stream: r.stream, time: toUtcNano(r.time), data: Buffer.from(r.partial ? r.line : `${r.line}\n`) };
}

/** The container's rotated log files as one stream, oldest first (see runtime/logs/rotation.ts). */
function readContainerLog(dir: string, opts: ReadLogOptions) {
  return readLogFiles(() => logFiles(dir), { ...opts, watchPath: dir });
}

/**
 * A container's output from its k8s-file logs, oldest first. With `follow` it
 * goes on until the container stops (when it is running) or the client leaves.
 */
export async function* containerLogs(ctx: DaemonContext, ref: string, opts: LogOptions): AsyncGenerator<LogChunk> {
  const c = ctx.containers.store.get(ref);
  if (c.HostConfig.LogConfig?.Type === 'none') throw new NotImplemented('configured logging driver does not support reading');
  // Record times are read to the millisecond, while clients send nanoseconds: round outward.
  const sinceArg = parseTimeArg(opts.since, 'since');
  const untilArg = parseTimeArg(opts.until, 'until');
  const since = sinceArg === undefined ? undefined : Math.floor(sinceArg);
  const until = untilArg === undefined ? undefined : Math.ceil(untilArg);
  const tail = opts.tail === undefined || opts.tail === 'all' || opts.tail === '' ? undefined : Number(opts.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new InvalidArgument(`invalid value for "tail": ${opts.tail}`);
  const wanted = (r: LogRecord) => (r.stream === 'stdout' ? opts.stdout : opts.stderr);
  const inRange = (r: LogRecord) => {
    const t = Date.parse(r.time);
    return (since === undefined || t >= since) && (until === undefined || t <= until);
  };
  const exited = new AbortController();
  if (!c.State.Running) exited.abort();
  else ctx.containers.events.nextExit(c.Id, opts.signal).then(() => exited.abort(), () => undefined);
  const follow = opts.follow && !exited.signal.aborted;
  // With --tail the last N records of what exists are held back until the reader has caught up.
  const ring: LogRecord[] = [];
  let holding = tail !== undefined;
  for await (const r of readContainerLog(ctx.containers.store.dir(c.Id), { follow, signal: opts.signal, writerDone: exited.signal })) {
    if (r === CAUGHT_UP) {
      // Without follow the reader may still flush a dead container's partial line: it belongs to the tail.
      if (follow && holding) {
        holding = false;
        for (const held of ring.splice(0)) yield toChunk(held);
      }
      continue;
    }
    if (until !== undefined && Date.parse(r.time) > until) break;
    if (!wanted(r) || !inRange(r)) continue;
    if (holding) {
      ring.push(r);
      if (ring.length > tail!) ring.shift();
      continue;
    }
    yield toChunk(r);
  }
  for (const held of ring) yield toChunk(held);
}

/**
 * Output for an attach: records written from now on, until the container's next
 * exit has been drained from the log.
 */
export async function* attachOutput(ctx: DaemonContext, ref: string, opts: { stdout: boolean; stderr: boolean; signal?: AbortSignal }): AsyncGenerator<LogChunk> {
  const c = ctx.containers.store.get(ref);
  const from = Date.now();
  const exited = new AbortController();
  const release = ctx.containers.events.holdOutput(c.Id);
  const finished = new AbortController();
  const until = opts.signal ? AbortSignal.any([opts.signal, finished.signal]) : finished.signal;
  ctx.containers.events.nextExit(c.Id, until).then(() => exited.abort(), () => undefined);
  // A container removed without running (a failed start with --rm) has no exit to wait for.
  ctx.containers.events.nextRemoval(c.Id, until).then(() => exited.abort(), () => undefined);
  // Only the current generation and later ones can hold output from now on.
  const dir = ctx.containers.store.dir(c.Id);
  const fromSeq = (await logFiles(dir)).at(-1)?.seq ?? 0;
  const list = async () => (await logFiles(dir)).filter((f) => f.seq >= fromSeq);
  try {
    for await (const r of readLogFiles(list, { follow: true, signal: opts.signal, writerDone: exited.signal, watchPath: dir })) {
      if (r === CAUGHT_UP) continue;
      if (Date.parse(r.time) < from - 5) continue;
      if (r.stream === 'stdout' ? opts.stdout : opts.stderr) yield toChunk(r);
    }
  } finally {
    finished.abort();
    release();
  }
}
