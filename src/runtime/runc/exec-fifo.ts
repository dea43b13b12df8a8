import { closeSync, constants, openSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';

/** What releasing a created container's init came to; anything but `started` is for `runc start` to judge. */
export type ExecFifoOutcome = 'started' | 'no-fifo' | 'init-gone';

const LIVENESS_POLL_MS = 25;

/**
 * Starts a created runc container as `runc start` does, without spawning runc (~20 ms of a
 * `docker run`). runc's init, its set-up done, blocks writing one byte into `exec.fifo` in the
 * container's state dir before it execs the user's process; `runc start` reads that byte and
 * removes the fifo, and the fifo's absence is what runc later reports as "running".
 *
 * The fifo is opened read-write and non-blocking, so neither side waits for the other to open
 * it and a dead init cannot hang a thread; since we hold a writer, a dead init shows as its pid
 * gone or a zombie (checked as runc does), not as end-of-file. Without a fifo, or with the init
 * gone, the caller runs `runc start`, whose state checks and error texts then apply unchanged.
 */
export async function releaseExecFifo(stateDir: string, initPid: number): Promise<ExecFifoOutcome> {
  const path = join(stateDir, 'exec.fifo');
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'no-fifo';
    throw err;
  }
  let pipe: Socket;
  try {
    pipe = new Socket({ fd, readable: true, writable: false });
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  const outcome = await new Promise<ExecFifoOutcome>((resolve, reject) => {
    const timer = setInterval(() => {
      void initAlive(initPid).then((alive) => alive || finish(() => resolve('init-gone')));
    }, LIVENESS_POLL_MS);
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      pipe.destroy();
      fn();
    };
    pipe.once('data', () => finish(() => resolve('started')));
    pipe.once('error', (err) => finish(() => reject(err)));
  });
  if (outcome === 'started') await unlink(path);
  return outcome;
}

/** False once `pid` has exited (gone or a zombie), as runc judges a created container's init. */
async function initAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
