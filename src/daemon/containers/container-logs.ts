import { InvalidArgument } from '../../core/errors.js';
import { readK8sLog, type LogRecord } from '../../runtime/logs/k8s-file.js';
import type { DaemonContext } from '../context.js';
import { logPathOf } from './container-runner.js';

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
  return { stream: r.stream, time: r.time, data: Buffer.from(r.partial ? r.line : `${r.line}\n`) };
}

/**
 * A container's output from its k8s-file log, oldest first. With `follow` it
 * goes on until the container stops (when it is running) or the client leaves.
 */
export async function* containerLogs(ctx: DaemonContext, ref: string, opts: LogOptions): AsyncGenerator<LogChunk> {
  const c = ctx.containers.store.get(ref);
  const since = parseTimeArg(opts.since, 'since');
  const until = parseTimeArg(opts.until, 'until');
  const tail = opts.tail === undefined || opts.tail === 'all' || opts.tail === '' ? undefined : Number(opts.tail);
  if (tail !== undefined && (!Number.isInteger(tail) || tail < 0)) throw new InvalidArgument(`invalid value for "tail": ${opts.tail}`);
  const wanted = (r: LogRecord) => (r.stream === 'stdout' ? opts.stdout : opts.stderr);
  const inRange = (r: LogRecord) => {
    const t = Date.parse(r.time);
    return (since === undefined || t >= since) && (until === undefined || t <= until);
  };
  const path = logPathOf(ctx, c.Id);
  let exited = !c.State.Running;
  if (!exited) ctx.containers.events.nextExit(c.Id, opts.signal).then(() => (exited = true), () => undefined);
  if (tail !== undefined) {
    // The last N records first, then (when following) what comes after them.
    const ring: LogRecord[] = [];
    let count = 0;
    for await (const r of readK8sLog(path, { signal: opts.signal })) {
      count++;
      if (!wanted(r) || !inRange(r)) continue;
      ring.push(r);
      if (ring.length > tail) ring.shift();
    }
    for (const r of ring) yield toChunk(r);
    if (!opts.follow || exited) return;
    let skip = count;
    for await (const r of readK8sLog(path, { follow: true, signal: opts.signal, stopWhen: () => exited })) {
      if (skip-- > 0) continue;
      if (wanted(r) && inRange(r)) yield toChunk(r);
    }
    return;
  }
  for await (const r of readK8sLog(path, { follow: opts.follow && !exited, signal: opts.signal, stopWhen: () => exited })) {
    if (until !== undefined && Date.parse(r.time) > until) break;
    if (wanted(r) && inRange(r)) yield toChunk(r);
  }
}

/**
 * Output for an attach: records written from now on, until the container's next
 * exit has been drained from the log.
 */
export async function* attachOutput(ctx: DaemonContext, ref: string, opts: { stdout: boolean; stderr: boolean; signal?: AbortSignal }): AsyncGenerator<LogChunk> {
  const c = ctx.containers.store.get(ref);
  const from = Date.now();
  let exited = false;
  const release = ctx.containers.events.holdOutput(c.Id);
  const finished = new AbortController();
  const until = opts.signal ? AbortSignal.any([opts.signal, finished.signal]) : finished.signal;
  ctx.containers.events.nextExit(c.Id, until).then(() => (exited = true), () => undefined);
  // A container removed without running (a failed start with --rm) has no exit to wait for.
  ctx.containers.events.nextRemoval(c.Id, until).then(() => (exited = true), () => undefined);
  try {
    for await (const r of readK8sLog(logPathOf(ctx, c.Id), { follow: true, signal: opts.signal, stopWhen: () => exited })) {
      if (Date.parse(r.time) < from - 5) continue;
      if (r.stream === 'stdout' ? opts.stdout : opts.stderr) yield toChunk(r);
    }
  } finally {
    finished.abort();
    release();
  }
}
