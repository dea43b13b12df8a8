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
   * While following, checked at end of file: once it returns true the reader
   * stops there. Callers pass "the container has exited", which conmon reports
   * only after it wrote the last output, so nothing is cut off.
   */
  stopWhen?: () => boolean;
}

const CHUNK = 64 * 1024;

/**
 * Streams the records of a k8s-file log. Without `follow` it ends at end of file;
 * with `follow` it waits for more and reopens the file when conmon rotates it
 * (new inode or shorter file). A missing file yields nothing unless following.
 */
export async function* readK8sLog(path: string, opts: ReadLogOptions = {}): AsyncGenerator<LogRecord> {
  const { follow = false, signal, pollMs = 200, stopWhen } = opts;
  const assembler = new LineAssembler();
  const decoder = new TextDecoder();
  let fh: FileHandle | undefined;
  let ino = -1;
  let pos = 0;
  let carry = '';
  const buf = Buffer.alloc(CHUNK);
  try {
    for (;;) {
      signal?.throwIfAborted();
      if (!fh) {
        try {
          fh = await open(path, 'r');
          ino = (await fh.stat()).ino;
          pos = 0;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          if (!follow || stopWhen?.()) return;
          await waitForChange(path, pollMs, signal);
          continue;
        }
      }
      const { bytesRead } = await fh.read(buf, 0, CHUNK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        const text = carry + decoder.decode(buf.subarray(0, bytesRead), { stream: true });
        const lines = text.split('\n');
        carry = lines.pop() ?? '';
        for (const raw of lines) {
          const entry = parseK8sLine(raw);
          const rec = entry && assembler.push(entry);
          if (rec) yield rec;
        }
        continue;
      }
      if (!follow || stopWhen?.()) break;
      if (await rotated(path, ino, pos)) {
        await fh.close();
        fh = undefined;
        carry = '';
        continue;
      }
      await waitForChange(path, pollMs, signal);
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

async function rotated(path: string, ino: number, pos: number): Promise<boolean> {
  try {
    const st = await stat(path);
    return st.ino !== ino || st.size < pos;
  } catch {
    return false;
  }
}

/** Resolves on a change event for `path`'s directory entry or after `pollMs`; rejects on abort. */
function waitForChange(path: string, pollMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let watcher: ReturnType<typeof watch> | undefined;
    const done = () => {
      clearTimeout(timer);
      watcher?.close();
      signal?.removeEventListener('abort', onAbort);
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
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}
