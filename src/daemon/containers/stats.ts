import { readFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';
import { cgroupKey, parseKeyValues, readCgroupFile, readCgroupNumber } from './cgroup-files.js';
import type { BlkioEntry, CpuStats, StatsOptions, StatsResponse } from '../../core/wire/container-ops.js';

export type { StatsOptions };

const ZERO_TIME = '0001-01-01T00:00:00Z';
/** USER_HZ: /proc/stat and cpuacct.stat count in these ticks on every Linux Docker runs on. */
const CLOCK_TICKS = 100;
const NS_PER_TICK = 1e9 / CLOCK_TICKS;

function emptyCpu(): CpuStats {
  return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
}

function emptyStats(c: ContainerRecord): StatsResponse {
  const none = null;
  return {
    name: c.Name,
    id: c.Id,
    read: ZERO_TIME,
    preread: ZERO_TIME,
    pids_stats: {},
    blkio_stats: {
      io_service_bytes_recursive: none, io_serviced_recursive: none, io_queue_recursive: none, io_service_time_recursive: none,
      io_wait_time_recursive: none, io_merged_recursive: none, io_time_recursive: none, sectors_recursive: none,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: emptyCpu(),
    precpu_stats: emptyCpu(),
    memory_stats: {},
  };
}

/** The host's CPU time in nanoseconds: the first seven fields of the `cpu` line of /proc/stat, as Docker sums them. */
async function systemCpuUsage(): Promise<number | undefined> {
  const text = await readFile('/proc/stat', 'utf8').catch(() => '');
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((sum, v) => sum + Number(v), 0);
  return ticks * NS_PER_TICK;
}

/** `8:0 Read 4096` lines of a blkio file; the `Total` lines Docker leaves out too. */
function parseBlkio(text: string | undefined): BlkioEntry[] | null {
  if (text === undefined) return null;
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3]!, value: Number(m[4]) });
  }
  return out;
}

async function blkioFile(id: string, name: string): Promise<BlkioEntry[] | null> {
  return parseBlkio((await readCgroupFile('blkio', id, `${name}_recursive`)) ?? (await readCgroupFile('blkio', id, name)));
}

async function readCpu(id: string): Promise<CpuStats> {
  const [total, percpuText, acctText, cpuStatText, system] = await Promise.all([
    readCgroupNumber('cpuacct', id, 'cpuacct.usage'),
    readCgroupFile('cpuacct', id, 'cpuacct.usage_percpu'),
    readCgroupFile('cpuacct', id, 'cpuacct.stat'),
    readCgroupFile('cpu', id, 'cpu.stat'),
    systemCpuUsage(),
  ]);
  const percpu = (percpuText ?? '').trim().split(/\s+/).filter((v) => /^\d+$/.test(v)).map(Number);
  const acct = parseKeyValues(acctText);
  const throttle = parseKeyValues(cpuStatText);
  return {
    cpu_usage: {
      total_usage: total ?? 0,
      ...(percpu.length ? { percpu_usage: percpu } : {}),
      usage_in_kernelmode: (acct.system ?? 0) * NS_PER_TICK,
      usage_in_usermode: (acct.user ?? 0) * NS_PER_TICK,
    },
    system_cpu_usage: system,
    online_cpus: cpus().length,
    throttling_data: { periods: throttle.nr_periods ?? 0, throttled_periods: throttle.nr_throttled ?? 0, throttled_time: throttle.throttled_time ?? 0 },
  };
}

/** One sample of a running container's cgroups; `prev` fills the pre* fields. */
async function sample(c: ContainerRecord, prev: StatsResponse | undefined): Promise<StatsResponse> {
  const id = cgroupKey(c);
  const [cpu, usage, maxUsage, limit, failcnt, memStat, pidsCurrent, pidsMax, bytes, serviced] = await Promise.all([
    readCpu(id),
    readCgroupNumber('memory', id, 'memory.usage_in_bytes'),
    readCgroupNumber('memory', id, 'memory.max_usage_in_bytes'),
    readCgroupNumber('memory', id, 'memory.limit_in_bytes'),
    readCgroupNumber('memory', id, 'memory.failcnt'),
    readCgroupFile('memory', id, 'memory.stat'),
    readCgroupNumber('pids', id, 'pids.current'),
    readCgroupNumber('pids', id, 'pids.max'),
    blkioFile(id, 'blkio.throttle.io_service_bytes'),
    blkioFile(id, 'blkio.throttle.io_serviced'),
  ]);
  const base = emptyStats(c);
  return {
    ...base,
    read: new Date().toISOString(),
    preread: prev?.read ?? ZERO_TIME,
    pids_stats: { ...(pidsCurrent !== undefined ? { current: pidsCurrent } : {}), ...(pidsMax !== undefined ? { limit: pidsMax } : {}) },
    blkio_stats: { ...base.blkio_stats, io_service_bytes_recursive: bytes, io_serviced_recursive: serviced },
    cpu_stats: cpu,
    precpu_stats: prev?.cpu_stats ?? emptyCpu(),
    memory_stats: {
      usage: usage ?? 0,
      max_usage: maxUsage ?? 0,
      stats: parseKeyValues(memStat),
      failcnt: failcnt ?? 0,
      // An unlimited cgroup reads as ~2^63; Docker reports the host's memory instead.
      limit: Math.min(limit ?? Infinity, totalmem()),
    },
  };
}

function running(ctx: DaemonContext, id: string): ContainerRecord | undefined {
  const c = ctx.containers.store.tryGet(id);
  return c?.Id === id && c.State.Running ? c : undefined;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * GET /containers/{id}/stats: samples the container's cgroup v1 files once a
 * second. Streaming goes on until the client leaves or the container stops; a
 * container that is not running gives one frame of zeros, as Docker does.
 * The reference is resolved before the first frame so an unknown one is a 404.
 */
export function containerStats(ctx: DaemonContext, ref: string, opts: StatsOptions): AsyncIterable<StatsResponse> {
  const first = ctx.containers.store.get(ref);
  return {
    async *[Symbol.asyncIterator]() {
      if (!first.State.Running) {
        yield emptyStats(first);
        return;
      }
      let prev: StatsResponse | undefined;
      let sent = false;
      if (!opts.stream && !opts.oneShot) {
        // Prime precpu_stats so a single answer still gives a CPU percentage.
        prev = await sample(first, undefined);
        await sleep(1000, opts.signal);
      }
      while (!opts.signal?.aborted) {
        const c = running(ctx, first.Id);
        if (!c) {
          if (!sent) yield emptyStats(first);
          return;
        }
        const cur = await sample(c, prev);
        sent = true;
        yield cur;
        if (!opts.stream) return;
        prev = cur;
        await sleep(1000, opts.signal);
      }
    },
  };
}
