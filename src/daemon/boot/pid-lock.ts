import { readFile, rm } from 'node:fs/promises';
import { FailedPrecondition } from '../../core/errors.js';
import { writeFileAtomic } from '../../util/atomic.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `path` for this process: refuses when the pid written there belongs to
 * a live process (another berthd on the same root), takes over a stale file.
 */
export async function claimPidFile(path: string, what: string): Promise<() => Promise<void>> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    if (pid > 0 && pid !== process.pid && alive(pid)) {
      throw new FailedPrecondition(`another berthd (pid ${pid}) is already using ${what}; stop it first or pick another one`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await writeFileAtomic(path, `${process.pid}\n`);
  return async () => {
    try {
      if (Number((await readFile(path, 'utf8')).trim()) === process.pid) await rm(path, { force: true });
    } catch {
      // already gone
    }
  };
}
