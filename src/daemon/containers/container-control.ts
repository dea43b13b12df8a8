import { Conflict, InvalidArgument, NotModified } from '../../core/errors.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';
import { removeContainerNow, startContainer } from './container-runner.js';
import { emitContainerEvent, signalNumber } from '../events/emit.js';
import { thawAfterSignal } from './pause.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** POST /containers/{id}/start */
export async function startUseCase(ctx: DaemonContext, ref: string): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (c.State.Paused) throw new Conflict('cannot start a paused container, try unpause instead');
  if (c.State.Running) throw new NotModified('container already started');
  c.ManuallyStopped = false;
  try {
    await startContainer(ctx, c);
  } catch (err) {
    // Docker removes an auto-remove container that failed to start; clients wait for that.
    if (c.HostConfig.AutoRemove) await removeContainerNow(ctx, c, { removeVolumes: true }).catch(() => undefined);
    throw err;
  }
}

function normalizeSignal(sig: string): string {
  if (/^\d+$/.test(sig)) return sig;
  const up = sig.toUpperCase();
  return up.startsWith('SIG') ? up : `SIG${up}`;
}

/** Sends the stop signal, then SIGKILL after the timeout, and waits for the exit. */
async function stopRunning(ctx: DaemonContext, c: ContainerRecord, timeoutSeconds: number | undefined, signal: string | undefined): Promise<void> {
  const { runtime, events } = ctx.containers;
  c.ManuallyStopped = true;
  await ctx.containers.store.save(c);
  const exit = events.nextExit(c.Id);
  const sig = normalizeSignal(signal || c.Config.StopSignal || 'SIGTERM');
  const t = timeoutSeconds ?? c.Config.StopTimeout ?? 10;
  if (t !== 0) {
    await runtime.kill(c.Id, sig).catch(() => undefined);
    emitContainerEvent(ctx, c, 'kill', { signal: signalNumber(sig) });
    await thawAfterSignal(ctx, c);
  }
  const stopped = t < 0 ? await exit.then(() => true) : await Promise.race([exit.then(() => true), sleep(t * 1000).then(() => false)]);
  if (!stopped) {
    await runtime.kill(c.Id, 'SIGKILL', true).catch(() => undefined);
    emitContainerEvent(ctx, c, 'kill', { signal: '9' });
    await thawAfterSignal(ctx, c);
    await exit;
  }
  emitContainerEvent(ctx, c, 'stop');
}

/** POST /containers/{id}/stop */
export async function stopUseCase(ctx: DaemonContext, ref: string, timeout?: number, signal?: string): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (!c.State.Running) throw new NotModified('container already stopped');
  await stopRunning(ctx, c, timeout, signal);
}

/** POST /containers/{id}/restart */
export async function restartUseCase(ctx: DaemonContext, ref: string, timeout?: number, signal?: string): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (c.State.Running) await stopRunning(ctx, c, timeout, signal);
  const fresh = ctx.containers.store.get(c.Id);
  fresh.ManuallyStopped = false;
  await startContainer(ctx, fresh);
  emitContainerEvent(ctx, fresh, 'restart');
}

/** POST /containers/{id}/kill */
export async function killUseCase(ctx: DaemonContext, ref: string, signal = 'SIGKILL'): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (!c.State.Running) throw new Conflict(`Cannot kill container: ${ref}: Container ${c.Id} is not running`);
  const sig = normalizeSignal(signal);
  if (!/^(\d+|SIG[A-Z0-9+-]+)$/.test(sig)) throw new InvalidArgument(`Invalid signal: ${signal}`);
  const stopping = sig === 'SIGKILL' || sig === '9' || sig === normalizeSignal(c.Config.StopSignal || 'SIGTERM');
  if (stopping) {
    c.ManuallyStopped = true;
    await ctx.containers.store.save(c);
  }
  await ctx.containers.runtime.kill(c.Id, sig);
  emitContainerEvent(ctx, c, 'kill', { signal: signalNumber(sig) });
  // A paused container acts on the signal only once thawed; Docker thaws it for stop signals.
  if (stopping) await thawAfterSignal(ctx, c);
}

/** DELETE /containers/{id} */
export async function removeUseCase(ctx: DaemonContext, ref: string, force: boolean, removeVolumes = false): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (c.State.Running) {
    if (!force) {
      throw new Conflict(`cannot remove container "${c.Name}": container is running: stop the container before removing or force remove`);
    }
    c.ManuallyStopped = true;
    c.HostConfig.AutoRemove = false;
    const exit = ctx.containers.events.nextExit(c.Id);
    await ctx.containers.runtime.kill(c.Id, 'SIGKILL', true).catch(() => undefined);
    emitContainerEvent(ctx, c, 'kill', { signal: '9' });
    await thawAfterSignal(ctx, c);
    await exit;
  }
  await removeContainerNow(ctx, ctx.containers.store.get(c.Id), { removeVolumes });
}

/** POST /containers/{id}/wait */
export async function waitUseCase(ctx: DaemonContext, ref: string, condition: string | undefined, signal?: AbortSignal): Promise<{ StatusCode: number; Error: null }> {
  const c = ctx.containers.store.get(ref);
  const { events } = ctx.containers;
  switch (condition || 'not-running') {
    case 'not-running':
      if (!c.State.Running && c.State.Status !== 'restarting') return { StatusCode: c.State.ExitCode, Error: null };
      return { StatusCode: await events.nextExit(c.Id, signal), Error: null };
    case 'next-exit':
      return { StatusCode: await events.nextExit(c.Id, signal), Error: null };
    case 'removed': {
      let code = c.State.ExitCode;
      events.nextExit(c.Id, signal).then((x) => (code = x), () => undefined);
      await events.nextRemoval(c.Id, signal);
      return { StatusCode: code, Error: null };
    }
    default:
      throw new InvalidArgument(`invalid condition: "${condition}"`);
  }
}

/** POST /containers/{id}/rename */
export async function renameUseCase(ctx: DaemonContext, ref: string, name: string | undefined): Promise<void> {
  if (!name) throw new InvalidArgument('Neither old nor new names may be empty');
  if (!/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw new InvalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const c = ctx.containers.store.get(ref);
  const full = name.startsWith('/') ? name : `/${name}`;
  if (c.Name === full) throw new InvalidArgument('Renaming a container with the same name as its current name');
  ctx.containers.store.checkName(full, c.Id);
  const oldName = c.Name;
  c.Name = full;
  await ctx.containers.store.save(c);
  emitContainerEvent(ctx, c, 'rename', { oldName });
}

/** POST /containers/prune: every stopped container. */
export async function pruneContainersUseCase(ctx: DaemonContext): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
  const deleted: string[] = [];
  let space = 0;
  for (const c of ctx.containers.store.list()) {
    if (c.State.Running || c.State.Status === 'restarting') continue;
    space += (await ctx.images.snapshots.usage(c.SnapshotKey).catch(() => ({ size: 0 }))).size;
    await removeContainerNow(ctx, c);
    deleted.push(c.Id);
  }
  return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
}
