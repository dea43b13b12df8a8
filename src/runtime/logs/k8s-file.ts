import { watch } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/**
 * conmon's k8s-file log format (the CRI format): one line per write,
 * `<RFC3339Nano time> <stdout|stderr> <F|P> <content>`, where `P` marks a partial
 * line that continues in the next record of the same stream.
 */

export type LogStream = 'stdout' | 'stderr';

export interface K8sLogLine {
  time: string;
  stream: LogStream;
  partial: boolean;
  content: string;
}

/** One line of container output, partials joined; `line` has no trailing newline. */
export interface LogRecord {
  /** RFC3339 with nanoseconds, exactly as conmon wrote it (Date would lose the nanoseconds). */
  time: string;
  stream: LogStream;
  line: string;
  /** The output ended without a newline after this line. */
  partial?: boolean;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/**
 * conmon's local-time stamp (`...+01:00`) as Docker prints log times: UTC with a
 * fixed nine-digit fraction and `Z` (moby `RFC3339NanoFixed`). Unparseable input is returned as is.
 */
export function toUtcNano(time: string): string {
  const m = STAMP.exec(time);
  if (!m) return time;
  const nanos = (m[2] ?? '').padEnd(9, '0');
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return time;
  return `${new Date(seconds).toISOString().slice(0, 19)}.${nanos}Z`;
}

const LINE = /^(\S+) (stdout|stderr) ([FP])(?: (.*))?$/s;

/** Parses one raw line (without its newline); undefined for lines that are not k8s-file records. */
export function parseK8sLine(raw: string): K8sLogLine | undefined {
  const m = LINE.exec(raw);
  if (!m) return undefined;
  return { time: m[1]!, stream: m[2] as LogStream, partial: m[3] === 'P', content: m[4] ?? '' };
}

/**
 * Joins partial records per stream: stdout and stderr may interleave while a long
 * line is still being written. The record takes the time of its first part, as Docker does.
 */
export class LineAssembler {
  readonly #pending = new Map<LogStream, { time: string; parts: string[] }>();

  push(entry: K8sLogLine): LogRecord | undefined {
    const cur = this.#pending.get(entry.stream);
    if (entry.partial) {
      if (cur) cur.parts.push(entry.content);
      else this.#pending.set(entry.stream, { time: entry.time, parts: [entry.content] });
      return undefined;
    }
    if (!cur) return { time: entry.time, stream: entry.stream, line: entry.content };
    this.#pending.delete(entry.stream);
    return { time: cur.time, stream: entry.stream, line: cur.parts.join('') + entry.content };
  }

  /** Partial lines left when the log ends (the container died mid-line). */
  flush(): LogRecord[] {
    const out = [...this.#pending].map(([stream, p]) => ({ time: p.time, stream, line: p.parts.join(''), partial: true }));
    this.#pending.clear();
    return out;
  }
}

export interface ReadLogOptions {
  /** Keep reading as conmon appends, until `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Poll interval while following, as a fallback for missed fs.watch events. */
  pollMs?: number;
  /**
   * While following: aborted once the writer is done. The reader then wakes at
   * once (no poll interval), reads on to the end of the newest file and stops.
   * Callers abort it when the container has exited, which conmon reports only
   * after it wrote the last output, so nothing is cut off.
   */
  writerDone?: AbortSignal;
}

const CHUNK = 64 * 1024;

/** Yielded once by `readLogFiles` when it has read everything that existed so far. */
export const CAUGHT_UP: unique symbol = Symbol('caught up');

/** A file of a log set; see `logFiles` in rotation.ts. `seq` orders files, oldest first. */
export interface LogSetFile {
  path: string;
  ino: number;
  seq: number;
}

export interface ReadLogSetOptions extends ReadLogOptions {
  /** Watched for changes while following: the directory conmon writes the log in. */
  watchPath: string;
}

async function singleFile(path: string): Promise<LogSetFile[]> {
  try {
    return [{ path, ino: (await stat(path)).ino, seq: Infinity }];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Streams the records of one k8s-file log. Without `follow` it ends at end of file;
 * with `follow` it waits for more and moves to the new file when conmon rotates it.
 * A missing file yields nothing unless following.
 */
export async function* readK8sLog(path: string, opts: ReadLogOptions = {}): AsyncGenerator<LogRecord> {
  for await (const r of readLogFiles(() => singleFile(path), { ...opts, watchPath: path })) if (r !== CAUGHT_UP) yield r;
}

/**
 * Streams the records of a rotated log set: every file `list` returns, oldest first.
 * While following, at the end of the newest file it asks `list` again; once a newer
 * file exists, the old one is drained (conmon flushes before it rotates) and reading
 * goes on in the next. A file deleted before it was opened is skipped.
 */
export async function* readLogFiles(
  list: () => Promise<LogSetFile[]>,
  opts: ReadLogSetOptions,
): AsyncGenerator<LogRecord | typeof CAUGHT_UP> {
  const { follow = false, signal, pollMs = 200, writerDone, watchPath } = opts;
  const stopped = () => writerDone?.aborted === true;
  const assembler = new LineAssembler();
  let decoder = new TextDecoder();
  let fh: FileHandle | undefined;
  let cur: LogSetFile | undefined;
  let pos = 0;
  let carry = '';
  let caughtUp = false;
  const buf = Buffer.alloc(CHUNK);
  const lines = function* (text: string): Generator<LogRecord> {
    const parts = (carry + text).split('\n');
    carry = parts.pop() ?? '';
    for (const raw of parts) {
      const entry = parseK8sLine(raw);
      const rec = entry && assembler.push(entry);
      if (rec) yield rec;
    }
  };
  /** The file to read after `cur`, by the set as it is now. */
  const nextFile = (files: LogSetFile[]): LogSetFile | undefined => {
    if (!cur) return files[0];
    const at = files.findIndex((f) => f.ino === cur!.ino);
    if (at >= 0) return files[at + 1];
    return files.find((f) => f.seq > cur!.seq) ?? (files.at(-1)?.ino !== cur.ino ? files.at(-1) : undefined);
  };
  const initial = await list();
  let pending = [...initial];
  try {
    for (;;) {
      signal?.throwIfAborted();
      // Sampled before this pass reads: only a pass that began after the writer was done may end the stream.
      const finalPass = stopped();
      if (!fh) {
        const next = pending.shift() ?? (follow ? nextFile(await list()) : undefined);
        if (!next) {
          if (!caughtUp) {
            caughtUp = true;
            yield CAUGHT_UP;
          }
          if (!follow || finalPass) break;
          await waitForChange(watchPath, pollMs, signal, writerDone);
          continue;
        }
        try {
          fh = await open(next.path, 'r');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          cur = next; // pruned before we got to it
          continue;
        }
        cur = { ...next, ino: (await fh.stat()).ino };
        pos = 0;
      }
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        yield* lines(decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
        continue;
      }
      if (pending.length > 0) {
        await fh.close();
        fh = undefined;
        continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        yield CAUGHT_UP;
      }
      if (!follow) break;
      // Asked before the stop check: a rotation just before the exit still has output in the new file.
      const next = nextFile(await list());
      if (next) {
        // Rotated: what conmon wrote before it switched files is all in this one by now.
        for (;;) {
          const more = await fh.read(buf, 0, CHUNK, pos);
          if (more.bytesRead === 0) break;
          pos += more.bytesRead;
          yield* lines(decoder.decode(buf.subarray(0, more.bytesRead), { stream: true }));
        }
        await fh.close();
        fh = undefined;
        yield* lines(decoder.decode());
        decoder = new TextDecoder();
        pending = [next];
        continue;
      }
      if (finalPass) break;
      await waitForChange(watchPath, pollMs, signal, writerDone);
    }
    // A final line without newline is still a record when the file is complete.
    const last = carry + decoder.decode();
    const entry = last ? parseK8sLine(last) : undefined;
    const rec = entry && assembler.push(entry);
    if (rec) yield rec;
    for (const r of assembler.flush()) yield r;
  } finally {
    await fh?.close();
  }
}

/**
 * Resolves on a change event for `path`'s directory entry, when `wake` aborts, or
 * after `pollMs`; rejects when `signal` aborts.
 */
function waitForChange(path: string, pollMs: number, signal?: AbortSignal, wake?: AbortSignal): Promise<void> {
  if (wake?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = () => {
      clearTimeout(timer);
      watcher?.close();
      signal?.removeEventListener('abort', onAbort);
      wake?.removeEventListener('abort', onWake);
    };
    const onWake = () => {
      done();
      resolve();
    };
    const onAbort = () => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, pollMs);
    try {
      watcher = watch(path, () => {
        done();
        resolve();
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      watcher = undefined;
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    wake?.addEventListener('abort', onWake, { once: true });
  });
}
