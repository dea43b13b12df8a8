import { readFile } from 'node:fs/promises';
import type { RlimitCeilings } from './rlimits.js';
import { RLIM_UNLIMITED } from './rlimits.js';

const ROWS: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU', 'Max file size': 'RLIMIT_FSIZE', 'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK', 'Max core file size': 'RLIMIT_CORE', 'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC', 'Max open files': 'RLIMIT_NOFILE', 'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS', 'Max file locks': 'RLIMIT_LOCKS', 'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE', 'Max nice priority': 'RLIMIT_NICE', 'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

/** Parses the text of /proc/<pid>/limits into hard limits by `RLIMIT_*` type. */
export function parseProcLimits(text: string): RlimitCeilings {
  const out: RlimitCeilings = {};
  for (const line of text.split('\n')) {
    const label = Object.keys(ROWS).find((k) => line.startsWith(k + ' '));
    if (!label) continue;
    const fields = line.slice(label.length).trim().split(/\s+/);
    const hard = fields[1];
    if (hard === undefined) continue;
    out[ROWS[label]!] = hard === 'unlimited' ? RLIM_UNLIMITED : Number(hard);
  }
  return out;
}

/** This process's hard limits; runc inherits them and cannot exceed them. */
export async function readHardLimits(pid: number | 'self' = 'self'): Promise<RlimitCeilings> {
  return parseProcLimits(await readFile(`/proc/${pid}/limits`, 'utf8'));
}
