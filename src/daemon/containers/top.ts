import { execFile } from 'node:child_process';
import { Conflict, Internal, InvalidArgument } from '../../core/errors.js';
import type { DaemonContext } from '../context.js';
import { containerPids } from './cgroup-files.js';

import type { TopResult } from '../../core/wire/container-ops.js';

function runPs(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ps', args, { maxBuffer: 32 * 1024 * 1024, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new InvalidArgument(`Error running ps: ${(stderr || err.message).trim()}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/**
 * Keeps the rows of host `ps` output whose PID is one of `pids`, as Docker does:
 * extra fields are joined into the last column (the command), and thread rows
 * (`-` in the PID column, with `ps -m`) follow the process they belong to.
 */
export function filterPsOutput(output: string, pids: ReadonlySet<number>): TopResult {
  const lines = output.split('\n');
  const titles = (lines[0] ?? '').trim().split(/\s+/).filter(Boolean);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new Internal("Couldn't find PID field in ps output");
  const processes: string[][] = [];
  const append = (fields: string[]) => {
    const row = fields.slice(0, titles.length - 1);
    row.push(fields.slice(titles.length - 1).join(' '));
    processes.push(row);
  };
  let inContainer = false;
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const fields = line.trim().split(/\s+/);
    const pidField = fields[pidIndex] ?? '';
    if (pidField === '-') {
      if (inContainer) append(fields);
      continue;
    }
    if (!/^\d+$/.test(pidField)) throw new Internal(`Unexpected pid '${pidField}'`);
    inContainer = pids.has(Number(pidField));
    if (inContainer) append(fields);
  }
  return { Titles: titles, Processes: processes };
}

/** GET /containers/{id}/top?ps_args= : host `ps`, narrowed to the container's processes. */
export async function topUseCase(ctx: DaemonContext, ref: string, psArgs: string | undefined): Promise<TopResult> {
  const c = ctx.containers.store.get(ref);
  if (!c.State.Running) throw new Conflict(`Container ${c.Id} is not running`);
  if (c.State.Restarting) throw new Conflict(`Container ${c.Id} is restarting, wait until the container is running`);
  const pids = new Set(await containerPids(c.Id));
  if (pids.size === 0 && c.State.Pid) pids.add(c.State.Pid);
  const args = (psArgs || '-ef').trim().split(/\s+/).filter(Boolean);
  return filterPsOutput(await runPs(args), pids);
}
