import { closeSync, constants, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Conflict, Internal, messageOf } from '../../core/errors.js';
import type { ContainerIo, StdioConnection } from '../../core/stdio.js';

interface SeqpacketSocketLike {
  on(event: 'data', cb: (b: Buffer) => void): void;
  on(event: 'end' | 'close' | 'connect', cb: () => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  connect(path: string, cb?: () => void): void;
  write(buf: Buffer, offset?: number, length?: number, cb?: () => void): void;
  end(cb?: () => void): void;
  destroy(): void;
}

// A native addon (node-unix-socket): Node's `net` cannot open SOCK_SEQPACKET sockets.
// Loaded lazily so the CLI bundle and berthd start-up never pay for it.
const require = createRequire(import.meta.url);
let seqpacket: (new () => SeqpacketSocketLike) | undefined;
function SeqpacketSocket(): new () => SeqpacketSocketLike {
  seqpacket ??= (require('node-unix-socket') as { SeqpacketSocket: new () => SeqpacketSocketLike }).SeqpacketSocket;
  return seqpacket;
}

/**
 * Loads the addon ahead of need (~60 ms on this class of machine), so the first exec
 * or interactive run after berthd starts does not pay for it. Failures surface on use.
 */
export function preloadConmonAttach(): void {
  try {
    SeqpacketSocket();
  } catch {
    // reported by the first connectConmonAttach
  }
}

/** conmon tags each packet it sends with the stream: 2 stdout, 3 stderr. */
const STDOUT = 2;
const STDERR = 3;
/** sun_path holds 108 bytes; longer socket paths are reached through the directory's fd. */
const MAX_SOCKET_PATH = 100;

/**
 * Connects to conmon's attach socket in `dir` (the container bundle or exec directory).
 * Packets carry one stream tag byte then payload; bytes we write go to stdin.
 */
export async function connectConmonAttach(dir: string): Promise<StdioConnection> {
  const full = join(dir, 'attach');
  let dirFd: number | undefined;
  let path = full;
  if (Buffer.byteLength(full) > MAX_SOCKET_PATH) {
    dirFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    path = `/proc/self/fd/${dirFd}/attach`;
  }
  const Ctor = SeqpacketSocket();
  const sock = new Ctor();
  try {
    await new Promise<void>((resolve, reject) => {
      sock.on('error', reject);
      try {
        sock.connect(path, resolve);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  } catch (err) {
    sock.destroy();
    throw new Internal(`connecting to ${full}: ${messageOf(err)}`, { cause: err });
  } finally {
    if (dirFd !== undefined) closeSync(dirFd);
  }
  return new ConmonConnection(sock);
}

class ConmonConnection implements StdioConnection {
  readonly #sock: SeqpacketSocketLike;
  #outputCb: ((stream: 'stdout' | 'stderr', data: Buffer) => void) | undefined;
  #pending: Buffer[] = [];
  #endCbs: Array<() => void> = [];
  #ended = false;
  #stdinClosed = false;

  constructor(sock: SeqpacketSocketLike) {
    this.#sock = sock;
    sock.on('data', (b) => {
      if (b.length < 1) return;
      if (this.#outputCb) this.#emit(b);
      else this.#pending.push(b);
    });
    const end = () => {
      if (this.#ended) return;
      this.#ended = true;
      for (const cb of this.#endCbs) cb();
    };
    sock.on('end', end);
    sock.on('close', end);
    sock.on('error', end);
  }

  #emit(b: Buffer): void {
    const tag = b[0];
    if (tag === STDOUT || tag === STDERR) this.#outputCb!(tag === STDOUT ? 'stdout' : 'stderr', b.subarray(1));
  }

  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void {
    this.#outputCb = cb;
    for (const b of this.#pending.splice(0)) this.#emit(b);
  }

  onEnd(cb: () => void): void {
    if (this.#ended) cb();
    else this.#endCbs.push(cb);
  }

  write(data: Buffer): Promise<void> {
    if (this.#ended || this.#stdinClosed || data.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#sock.write(data, 0, data.length, resolve));
  }

  closeStdin(): void {
    if (this.#ended || this.#stdinClosed) return;
    this.#stdinClosed = true;
    // A shutdown(SHUT_WR) reads as EOF on conmon's side; without --leave-stdin-open it closes the process's stdin.
    this.#sock.end();
  }

  close(): void {
    this.#sock.destroy();
  }
}

/**
 * Tells conmon the terminal size: `1 <height> <width>` on the `ctl` fifo in `dir`
 * (conmon 2.1 reads `<type> <h> <w>`; type 1 is a resize, 2 reopens the log).
 */
export async function writeConmonResize(dir: string, height: number, width: number): Promise<void> {
  let fh;
  try {
    // Non-blocking: with no conmon reading the fifo, open fails (ENXIO) instead of hanging.
    fh = await open(join(dir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENXIO') throw new Conflict('the container is not running', { cause: err });
    throw new Internal(`resizing terminal: ${messageOf(err)}`, { cause: err });
  }
  try {
    await fh.write(`1 ${height} ${width}\n`);
  } finally {
    await fh.close();
  }
}

/** ContainerIo for conmon-run containers: the attach socket and ctl fifo live in the bundle. */
export class ConmonContainerIo implements ContainerIo {
  readonly #bundleRoot: string;

  constructor(bundleRoot: string) {
    this.#bundleRoot = bundleRoot;
  }

  attach(id: string): Promise<StdioConnection> {
    return connectConmonAttach(join(this.#bundleRoot, id));
  }

  resize(id: string, height: number, width: number): Promise<void> {
    return writeConmonResize(join(this.#bundleRoot, id), height, width);
  }
}
