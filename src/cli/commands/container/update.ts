import { type Command, InvalidArgumentError } from 'commander';
import type { ContainerUpdateConfig } from '../../../client/ops-types.js';
import type { CliContext } from '../../context.js';
import { parseBytes, restartPolicy } from './create-flags.js';

interface UpdateFlags {
  memory?: string;
  memorySwap?: string;
  cpus?: string;
  cpuShares?: string;
  cpuPeriod?: string;
  cpuQuota?: string;
  cpusetCpus?: string;
  pidsLimit?: string;
  restart?: string;
}

function int(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid argument "${v}" for "${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** The request body; only flags the user gave are set (PidsLimit and RestartPolicy stay absent otherwise, as Docker sends them). */
export function updateBody(f: UpdateFlags): ContainerUpdateConfig {
  const body: ContainerUpdateConfig = {};
  if (f.memory) body.Memory = parseBytes(f.memory, '-m, --memory');
  if (f.memorySwap) body.MemorySwap = f.memorySwap === '-1' ? -1 : parseBytes(f.memorySwap, '--memory-swap');
  if (f.cpus) {
    const n = Number(f.cpus);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`invalid argument "${f.cpus}" for "--cpus" flag: failed to parse ${f.cpus} as a rational number`);
    body.NanoCpus = Math.round(n * 1e9);
  }
  if (f.cpuShares) body.CpuShares = int(f.cpuShares, '-c, --cpu-shares');
  if (f.cpuPeriod) body.CpuPeriod = int(f.cpuPeriod, '--cpu-period');
  if (f.cpuQuota) body.CpuQuota = int(f.cpuQuota, '--cpu-quota');
  if (f.cpusetCpus) body.CpusetCpus = f.cpusetCpus;
  if (f.pidsLimit !== undefined) body.PidsLimit = int(f.pidsLimit, '--pids-limit');
  if (f.restart) body.RestartPolicy = restartPolicy(f.restart);
  return body;
}

export function registerUpdate(program: Command, container: Command, ctx: CliContext): void {
  const action = async (refs: string[], flags: UpdateFlags) => {
    let body: ContainerUpdateConfig;
    try {
      body = updateBody(flags);
    } catch (err) {
      ctx.err(`${(err as Error).message}\nSee 'berth update --help'.\n`);
      process.exitCode = 125;
      return;
    }
    if (Object.keys(body).length === 0) {
      ctx.err('you must provide one or more flags when using this command\n');
      process.exitCode = 1;
      return;
    }
    let failed = false;
    for (const ref of refs) {
      try {
        const r = await ctx.client().containerUpdate(ref, body);
        for (const w of r.Warnings ?? []) ctx.err(`${w}\n`);
        ctx.out(`${ref}\n`);
      } catch (err) {
        ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
        failed = true;
      }
    }
    if (failed) process.exitCode = 1;
  };
  for (const cmd of [program.command('update'), container.command('update')]) {
    cmd
      .description('Update configuration of one or more containers')
      .argument('<CONTAINER...>')
      .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period')
      .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota')
      .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)')
      .option('--cpus <decimal>', 'Number of CPUs')
      .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
      .option('-m, --memory <bytes>', 'Memory limit')
      .option('--memory-swap <bytes>', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap')
      .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)')
      .option('--restart <string>', 'Restart policy to apply when a container exits')
      .action(action);
  }
}
