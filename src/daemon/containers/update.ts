import { cpus } from 'node:os';
import { Conflict, Internal, InvalidArgument, messageOf } from '../../core/errors.js';
import type { ResourceUpdate } from '../../core/runtime.js';
import type { ContainerUpdateBody, HostConfig, RestartPolicy } from '../../core/wire/containers.js';

export type { ContainerUpdateBody };
import type { DaemonContext } from '../context.js';
import { emitContainerEvent } from '../events/emit.js';

const POLICIES = new Set(['no', 'always', 'unless-stopped', 'on-failure']);

function cannotUpdate(id: string, err: unknown): Error {
  const message = `Cannot update container ${id}: ${messageOf(err)}`;
  if (err instanceof Conflict) return new Conflict(message, { cause: err });
  if (err instanceof InvalidArgument) return new InvalidArgument(message, { cause: err });
  return new Internal(message, { cause: err });
}

/**
 * Works out the new HostConfig and what the runtime must change, with Docker's
 * checks (container.UpdateContainer): NanoCpus and Period/Quota exclude each
 * other, a memory limit above the swap limit needs the swap limit too.
 */
export function planUpdate(hc: HostConfig, body: ContainerUpdateBody, autoRemove: boolean): { hostConfig: HostConfig; resources: ResourceUpdate } {
  const next: HostConfig = { ...hc };
  const r: ResourceUpdate = {};
  if (body.NanoCpus && hc.CpuPeriod) throw new Conflict('Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  if (body.NanoCpus && hc.CpuQuota) throw new Conflict('Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  if (body.CpuPeriod && hc.NanoCpus) throw new Conflict('Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if (body.CpuQuota && hc.NanoCpus) throw new Conflict('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  if (body.CpuShares) r.cpuShares = next.CpuShares = body.CpuShares;
  if (body.NanoCpus) {
    const n = cpus().length;
    if (body.NanoCpus < 0.01e9 || body.NanoCpus > n * 1e9) {
      throw new InvalidArgument(`Range of CPUs is from 0.01 to ${n}.00, as there are only ${n} CPUs available`);
    }
    next.NanoCpus = body.NanoCpus;
    r.cpuPeriod = 100_000;
    r.cpuQuota = Math.round((body.NanoCpus / 1e9) * 100_000);
  }
  if (body.CpuPeriod) r.cpuPeriod = next.CpuPeriod = body.CpuPeriod;
  if (body.CpuQuota) r.cpuQuota = next.CpuQuota = body.CpuQuota;
  if (body.CpusetCpus) r.cpusetCpus = next.CpusetCpus = body.CpusetCpus;
  if (body.Memory) {
    if (body.Memory < 6 * 1024 * 1024) throw new InvalidArgument('Minimum memory limit allowed is 6MB');
    // Docker records twice the memory as the swap limit at create when none was given.
    const swap = hc.MemorySwap || (hc.Memory ? hc.Memory * 2 : 0);
    if (body.Memory > swap && !body.MemorySwap) {
      throw new Conflict('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    r.memory = next.Memory = body.Memory;
    // The cgroup keeps the swap limit it has; record it, or the next check would assume twice the new memory.
    if (!body.MemorySwap && !hc.MemorySwap && swap) next.MemorySwap = swap;
  }
  if (body.MemorySwap) {
    const mem = next.Memory ?? 0;
    if (body.MemorySwap > 0 && mem && body.MemorySwap < mem) throw new InvalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
    if (body.MemorySwap > 0 && !mem) throw new InvalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
    r.memorySwap = next.MemorySwap = body.MemorySwap;
  }
  if (body.PidsLimit !== undefined && body.PidsLimit !== null) {
    next.PidsLimit = body.PidsLimit > 0 ? body.PidsLimit : 0;
    // runc writes `max` for -1.
    r.pidsLimit = body.PidsLimit > 0 ? body.PidsLimit : -1;
  }
  const policy = body.RestartPolicy;
  if (policy?.Name) {
    if (!POLICIES.has(policy.Name)) throw new InvalidArgument(`invalid restart policy '${policy.Name}'`);
    if (policy.Name !== 'no' && autoRemove) throw new Conflict('Restart policy cannot be updated because AutoRemove is enabled for the container');
    next.RestartPolicy = { Name: policy.Name, MaximumRetryCount: policy.Name === 'on-failure' ? policy.MaximumRetryCount ?? 0 : 0 };
  }
  return { hostConfig: next, resources: r };
}

/**
 * POST /containers/{id}/update: a running (or paused) container gets the new
 * limits from the runtime first; only then is the HostConfig saved, so a
 * refused update changes nothing. The next start uses the saved values.
 */
export async function updateUseCase(ctx: DaemonContext, ref: string, body: ContainerUpdateBody | undefined): Promise<{ Warnings: string[] }> {
  const c = ctx.containers.store.get(ref);
  let plan: ReturnType<typeof planUpdate>;
  try {
    plan = planUpdate(c.HostConfig, body ?? {}, c.HostConfig.AutoRemove ?? false);
  } catch (err) {
    throw cannotUpdate(c.Id, err);
  }
  if (c.State.Running && Object.keys(plan.resources).length) {
    try {
      await ctx.containers.runtime.update(c.Id, plan.resources);
    } catch (err) {
      throw cannotUpdate(c.Id, err);
    }
  }
  c.HostConfig = plan.hostConfig;
  await ctx.containers.store.save(c);
  emitContainerEvent(ctx, c, 'update');
  return { Warnings: [] };
}
