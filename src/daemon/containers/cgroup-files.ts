import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** cgroup v1 mount point; every controller has its own hierarchy below it. */
const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * A container's directory under one cgroup v1 controller. The runner gives runc
 * `cgroupsPath: /berth/<id>` (see container-runner.ts), so this is where runc put it.
 */
export function cgroupDir(controller: string, id: string): string {
  return join(CGROUP_ROOT, controller, 'berth', id);
}

/** A cgroup file's text, or undefined when the controller or file is not there. */
export async function readCgroupFile(controller: string, id: string, file: string): Promise<string | undefined> {
  return readFile(join(cgroupDir(controller, id), file), 'utf8').catch(() => undefined);
}

/** A single-number cgroup file (`memory.usage_in_bytes`); undefined when absent or not a number (`max`). */
export async function readCgroupNumber(controller: string, id: string, file: string): Promise<number | undefined> {
  const text = (await readCgroupFile(controller, id, file))?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** `key value` lines (`memory.stat`, `cpu.stat`, `cpuacct.stat`) as numbers. */
export function parseKeyValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** Host pids of every process in the container (the pids controller lists them all, threads aside). */
export async function containerPids(id: string): Promise<number[]> {
  for (const controller of ['pids', 'memory', 'freezer', 'cpuacct']) {
    const text = await readCgroupFile(controller, id, 'cgroup.procs');
    if (text !== undefined) return text.split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number);
  }
  return [];
}
