import type { Socket } from 'node:net';
import { demux } from '../../../client/hijack.js';
import { DetachDetector, parseDetachKeys } from '../../../core/detach-keys.js';

export interface StreamOptions {
  tty: boolean;
  /** Forward our stdin to the stream. */
  stdin: boolean;
  /** Docker's notation (`ctrl-p,ctrl-q`); the default when absent. */
  detachKeys?: string;
  /** Sends the terminal size; called once at `startResizing()` and on every SIGWINCH. */
  resize?: (height: number, width: number) => Promise<void>;
}

export interface StreamSession {
  /** Resolves when the output ended, or when the user typed the detach keys. */
  done: Promise<{ detached: boolean }>;
  /** Starts following the terminal size (call once the process runs). */
  startResizing(): void;
  /** Puts the terminal back and lets go of stdin; idempotent. */
  restore(): void;
}

/**
 * Runs an attached stream in this terminal, as `docker run -it` / `attach` /
 * `exec -it` do: raw mode under a TTY, stdin forwarded (our EOF half-closes the
 * stream), the detach keys spotted on our side, window size followed.
 */
export function runStream(stream: Socket, o: StreamOptions): StreamSession {
  const stdin = process.stdin;
  const raw = o.tty && o.stdin && stdin.isTTY === true;
  if (raw) stdin.setRawMode(true);
  const detector = new DetachDetector(o.tty ? parseDetachKeys(o.detachKeys) : Buffer.alloc(0));
  const write = o.tty ? (b: Buffer) => process.stdout.write(b) : demux((b) => process.stdout.write(b), (b) => process.stderr.write(b));
  let restored = false;
  const onWinch = () => sendSize();
  const sendSize = () => {
    const { rows, columns } = process.stdout;
    if (o.resize && rows && columns) o.resize(rows, columns).catch(() => undefined);
  };
  const restore = () => {
    if (restored) return;
    restored = true;
    if (raw) stdin.setRawMode(false);
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.pause();
    if (!stdin.isTTY) stdin.destroy();
    process.off('SIGWINCH', onWinch);
  };
  let resolveDone!: (v: { detached: boolean }) => void;
  const done = new Promise<{ detached: boolean }>((r) => (resolveDone = r));
  const onData = (chunk: Buffer) => {
    const { data, detached } = detector.feed(chunk);
    if (data.length && !stream.destroyed) stream.write(data);
    if (detached) {
      restore();
      stream.destroy();
      resolveDone({ detached: true });
    }
  };
  const onEnd = () => {
    if (!stream.destroyed) stream.end();
  };
  if (o.stdin) {
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  }
  stream.on('data', (c: Buffer) => write(c));
  const finished = () => {
    restore();
    resolveDone({ detached: false });
  };
  stream.on('end', finished);
  stream.on('close', finished);
  stream.on('error', finished);
  return {
    done,
    restore,
    startResizing: () => {
      if (!o.tty || !o.resize || !process.stdout.isTTY) return;
      sendSize();
      process.on('SIGWINCH', onWinch);
    },
  };
}
