import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** cgroup v1 mount point; every controller has its own hierarchy below it. */
const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * Where a container's cgroups are below each controller's root: `berth/<id>`, or
 * `<--cgroup-parent>/<id>`. The runner gives runc this as `cgroupsPath`.
 */
export function cgroupKey(c: { Id: string; HostConfig: { CgroupParent?: string } }): string {
  const parent = (c.HostConfig.CgroupParent ?? '').replace(/^\/+|\/+$/g, '');
  return `${parent || 'berth'}/${c.Id}`;
}

/** A container's directory under one cgroup v1 controller; `key` from cgroupKey. */
export function cgroupDir(controller: string, key: string): string {
  return join(CGROUP_ROOT, controller, key);
}

/** A cgroup file's text, or undefined when the controller or file is not there. */
export async function readCgroupFile(controller: string, key: string, file: string): Promise<string | undefined> {
  return readFile(join(cgroupDir(controller, key), file), 'utf8').catch(() => undefined);
}

/** A single-number cgroup file (`memory.usage_in_bytes`); undefined when absent or not a number (`max`). */
export async function readCgroupNumber(controller: string, key: string, file: string): Promise<number | undefined> {
  const text = (await readCgroupFile(controller, key, file))?.trim();
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
