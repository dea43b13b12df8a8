import type { Command } from 'commander';
import type { IncomingMessage } from 'node:http';
import type { ContainerStatsFrame } from '../../../client/ops-types.js';
import type { CliContext } from '../../context.js';
import { renderList } from '../../format/list-output.js';
import { humanSize } from '../../format/units.js';

interface StatsOptions {
  all?: boolean;
  stream?: boolean;
  trunc?: boolean;
  format?: string;
}

const HEADERS = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};
const DEFAULT_TABLE = '{{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** Docker's units.BytesSize: binary units, `%.4g` (`1.352MiB`). */
export function bytesSize(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < BINARY.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toPrecision(4))}${BINARY[i]}`;
}

/** The docker CLI's calculateCPUPercentUnix: container CPU delta over host CPU delta, times online CPUs. */
export function cpuPercent(f: ContainerStatsFrame): number {
  const cpuDelta = f.cpu_stats.cpu_usage.total_usage - f.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (f.cpu_stats.system_cpu_usage ?? 0) - (f.precpu_stats.system_cpu_usage ?? 0);
  const online = f.cpu_stats.online_cpus || f.cpu_stats.cpu_usage.percpu_usage?.length || 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

/** Memory without the page cache Docker leaves out (cgroup v1 total_inactive_file, v2 inactive_file). */
export function memUsage(f: ContainerStatsFrame): number {
  const usage = f.memory_stats.usage ?? 0;
  const stats = f.memory_stats.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

export function statsRow(f: ContainerStatsFrame, given: string, noTrunc: boolean) {
  const mem = memUsage(f);
  const limit = f.memory_stats.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(f.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of f.blkio_stats.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === 'read') read += e.value;
    else if (op === 'write') write += e.value;
  }
  return {
    Container: given,
    ID: noTrunc ? f.id : f.id.slice(0, 12),
    Name: f.name.replace(/^\//, ''),
    CPUPerc: `${cpuPercent(f).toFixed(2)}%`,
    MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (mem / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    BlockIO: `${humanSize(read)} / ${humanSize(write)}`,
    PIDs: String(f.pids_stats.current ?? 0),
  };
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const c of res) text += c as string;
  return text;
}

/** Calls `onFrame` for every JSON line of a streamed stats response. */
async function readFrames(res: IncomingMessage, onFrame: (f: ContainerStatsFrame) => void): Promise<void> {
  let buf = '';
  res.setEncoding('utf8');
  for await (const c of res) {
    buf += c as string;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) onFrame(JSON.parse(line) as ContainerStatsFrame);
    }
  }
}

export function registerStats(program: Command, container: Command, ctx: CliContext): void {
  const action = async (refs: string[], opts: StatsOptions) => {
    const client = ctx.client();
    const noTrunc = opts.trunc === false;
    const targets = refs.length ? refs : (await client.containerList({ all: opts.all })).map((c) => c.Id.slice(0, 12));
    const render = (rows: object[]) => renderList(rows, { defaultTable: DEFAULT_TABLE, headers: HEADERS }, opts.format);
    if (opts.stream === false) {
      const rows: object[] = [];
      let failed = false;
      const frames = await Promise.all(
        targets.map(async (ref) => {
          try {
            return JSON.parse(await readAll(await client.containerStats(ref, { stream: false }))) as ContainerStatsFrame;
          } catch (err) {
            ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
            failed = true;
            return undefined;
          }
        }),
      );
      frames.forEach((f, i) => f && rows.push(statsRow(f, targets[i]!, noTrunc)));
      if (rows.length || !failed) ctx.out(render(rows));
      if (failed) process.exitCode = 1;
      return;
    }
    // Streaming: the latest frame of every container, redrawn once a second like Docker's.
    const latest = new Map<string, ContainerStatsFrame>();
    const tty = process.stdout.isTTY ?? false;
    const draw = () => {
      const rows = targets.filter((t) => latest.has(t)).map((t) => statsRow(latest.get(t)!, t, noTrunc));
      ctx.out(`${tty ? '\x1b[2J\x1b[H' : ''}${render(rows)}`);
    };
    const timer = setInterval(draw, 1000);
    try {
      await Promise.all(
        targets.map(async (ref) => readFrames(await client.containerStats(ref, { stream: true }), (f) => latest.set(ref, f))),
      );
    } finally {
      clearInterval(timer);
    }
    draw();
  };
  for (const cmd of [program.command('stats'), container.command('stats')]) {
    cmd
      .description('Display a live stream of container(s) resource usage statistics')
      .argument('[CONTAINER...]')
      .option('-a, --all', 'Show all containers (default shows just running)')
      .option('--format <string>', 'Format output using a custom template')
      .option('--no-stream', 'Disable streaming stats and only pull the first result')
      .option('--no-trunc', "Don't truncate output")
      .action(action);
  }
}
