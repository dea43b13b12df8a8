import type { Socket } from 'node:net';
import { DetachDetector } from '../../core/detach-keys.js';
import { messageOf } from '../../core/errors.js';
import type { StdioConnection } from '../../core/stdio.js';
import { stdcopyFrame } from './stdcopy.js';

export interface BridgeOptions {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** The detach sequence in the client's input; empty for none. */
  detachKeys: Buffer;
  /** Runs after the process's output ended and before the client's stream closes (exec: record the exit code). */
  beforeEnd?: () => Promise<void>;
}

/**
 * Joins a hijacked client connection to a process's stdio: output goes out raw
 * (TTY) or in stdcopy frames; input goes in until the client half-closes (an EOF
 * on the process's stdin, when the monitor closes it on EOF) or types the detach
 * keys (the attach ends, the process keeps running). Input the client sends
 * before `connecting` resolves waits in the socket.
 */
export async function bridgeStdio(socket: Socket, connecting: Promise<StdioConnection>, o: BridgeOptions): Promise<void> {
  socket.pause();
  let conn: StdioConnection;
  try {
    conn = await connecting;
  } catch (err) {
    if (!socket.destroyed) socket.end(o.tty ? `${messageOf(err)}\r\n` : stdcopyFrame('stderr', Buffer.from(`${messageOf(err)}\n`)));
    return;
  }
  await new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve();
    };
    conn.onOutput((stream, data) => {
      if (socket.destroyed || !(stream === 'stdout' ? o.stdout : o.stderr)) return;
      socket.write(o.tty ? data : stdcopyFrame(stream, data));
    });
    conn.onEnd(() => {
      void (o.beforeEnd?.() ?? Promise.resolve()).finally(() => {
        if (!socket.destroyed) socket.end();
        finish();
      });
    });
    const detector = new DetachDetector(o.detachKeys);
    socket.on('data', (chunk: Buffer) => {
      if (!o.stdin || done) return;
      const { data, detached } = detector.feed(chunk);
      if (data.length) void conn.write(data);
      if (detached) {
        conn.close();
        socket.end();
        finish();
      }
    });
    socket.on('end', () => {
      if (o.stdin) conn.closeStdin();
    });
    socket.on('close', () => {
      // The client went away: stop reading for it. The process goes on (conmon keeps it).
      if (!done) conn.close();
      finish();
    });
    socket.on('error', () => undefined);
    socket.resume();
  });
}
