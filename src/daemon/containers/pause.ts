import { Conflict, messageOf } from '../../core/errors.js';
import type { DaemonContext } from '../context.js';
import { emitContainerEvent } from '../events/emit.js';
import type { ContainerRecord } from './container-record.js';

/**
 * POST /containers/{id}/pause: freezes every process of the container (freezer
 * cgroup). The record says Paused so a restarted berthd and `ps` both know.
 */
export async function pauseUseCase(ctx: DaemonContext, ref: string): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (!c.State.Running || c.State.Restarting) throw new Conflict(`Container ${c.Id} is not running`);
  if (c.State.Paused) throw new Conflict(`Container ${c.Id} is already paused`);
  await ctx.containers.runtime.pause(c.Id);
  c.State = { ...c.State, Status: 'paused', Paused: true };
  await ctx.containers.store.save(c);
  emitContainerEvent(ctx, c, 'pause');
}

/** POST /containers/{id}/unpause */
export async function unpauseUseCase(ctx: DaemonContext, ref: string): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (!c.State.Paused) throw new Conflict(`Container ${c.Id} is not paused`);
  await ctx.containers.runtime.resume(c.Id);
  c.State = { ...c.State, Status: 'running', Paused: false };
  await ctx.containers.store.save(c);
  emitContainerEvent(ctx, c, 'unpause');
}

/**
 * After a stop signal went to a paused container: thaws it so the signal is
 * delivered (a frozen task in a cgroup v1 freezer acts on no signal, not even
 * SIGKILL), as Docker does. The exit handler then records the exit.
 */
export async function thawAfterSignal(ctx: DaemonContext, c: ContainerRecord): Promise<void> {
  if (!c.State.Paused) return;
  try {
    await ctx.containers.runtime.resume(c.Id);
  } catch (err) {
    ctx.logger.warn('resuming paused container to deliver a signal failed', { id: c.Id, error: messageOf(err) });
    return;
  }
  const cur = ctx.containers.store.tryGet(c.Id);
  if (cur?.State.Running && cur.State.Paused) {
    cur.State = { ...cur.State, Status: 'running', Paused: false };
    await ctx.containers.store.save(cur).catch(() => undefined);
  }
}
