import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';

/**
 * The session ids (`-u`) of the conmon processes alive now whose bundle (`-b`) lies
 * under `bundleParent`. conmon double-forks and berthd keeps no handle on it, so
 * after a restart the process table is the only record of which monitors still run.
 * A process that exits while we read is simply not counted.
 */
export async function liveConmonSessions(bundleParent: string): Promise<Set<string>> {
  const prefix = bundleParent.endsWith('/') ? bundleParent : `${bundleParent}/`;
  const out = new Set<string>();
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  } catch {
    return out;
  }
  await Promise.all(pids.map(async (pid) => {
    let argv: string[];
    try {
      argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    } catch {
      return;
    }
    if (basename(argv[0] ?? '') !== 'conmon') return;
    const arg = (flag: string) => {
      const at = argv.indexOf(flag);
      return at >= 0 ? argv[at + 1] : undefined;
    };
    const id = arg('-u');
    if (id && arg('-b')?.startsWith(prefix)) out.add(id);
  }));
  return out;
}
