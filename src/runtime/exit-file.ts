import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Internal } from '../core/errors.js';

/**
 * Reads the exit code a monitor wrote to `<exitDir>/<id>`. The monitor writes the
 * file in place (not by rename), so an empty or partial file reads as "not yet".
 */
export async function readExitCode(exitDir: string, id: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(exitDir, id), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Internal(`reading exit file of ${id}`, { cause: err });
  }
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return undefined;
  return Number.parseInt(trimmed, 10);
}

const POLL_MS = 250;

/**
 * Resolves with the exit code once `<exitDir>/<id>` holds one. fs.watch gives a quick
 * wake-up; the poll covers file systems and races where no event arrives.
 */
export async function waitExitFile(exitDir: string, id: string, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  await mkdir(exitDir, { recursive: true });
  return new Promise<number>((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let checking = false;
    let again = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      watcher?.close();
      if (timer) clearInterval(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => finish(() => reject(signal?.reason));
    const check = async (): Promise<void> => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const code = await readExitCode(exitDir, id);
          if (code !== undefined) return finish(() => resolve(code));
        } while (again && !done);
      } catch (err) {
        finish(() => reject(err));
      } finally {
        checking = false;
      }
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = watch(exitDir, { persistent: true }, (_event, name) => {
        if (name === null || name === id) void check();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined;
    }
    timer = setInterval(() => void check(), POLL_MS);
    void check();
  });
}
