import { messageOf } from '../../core/errors.js';
import type { DaemonContext } from '../context.js';
import { handleExit, watchExit } from './container-runner.js';

/**
 * Live restore at start-up: containers that kept running while berthd was down
 * are watched again; those that exited meanwhile get the exit code conmon wrote;
 * those the runtime lost are marked exited. Snapshots of containers whose record
 * never got written (a crash mid-create) are removed.
 */
export async function restoreContainers(ctx: DaemonContext): Promise<void> {
  const { store, runtime, exitDir } = ctx.containers;
  for (const c of store.list()) {
    if (!c.State.Running && c.State.Status !== 'restarting') continue;
    try {
      const code = await runtime.readExitCode(exitDir, c.Id);
      if (code !== undefined) {
        await handleExit(ctx, c.Id, code);
        continue;
      }
      const st = await runtime.state(c.Id);
      if (st && (st.status === 'running' || st.status === 'paused' || st.status === 'created')) {
        ctx.logger.info('re-attached to running container', { id: c.Id, pid: st.pid });
        // The freezer is the truth about pausing: it may have changed while berthd was down.
        const paused = st.status === 'paused';
        if (c.State.Paused !== paused) {
          c.State = { ...c.State, Paused: paused, Status: paused ? 'paused' : 'running' };
          await store.save(c);
        }
        watchExit(ctx, c.Id);
        ctx.containers.health?.watch(c, false);
      } else {
        await handleExit(ctx, c.Id, 255);
      }
    } catch (err) {
      ctx.logger.warn('restoring container failed', { id: c.Id, error: messageOf(err) });
    }
  }
  const known = new Set(store.list().map((c) => c.SnapshotKey));
  for (const s of await ctx.images.snapshots.list()) {
    // extract-* are layer unpacks a crash interrupted; they are never resumed.
    if ((s.name.startsWith('ctr-') && !known.has(s.name)) || s.name.startsWith('extract-')) {
      await ctx.images.snapshots.remove(s.name).catch(() => undefined);
    }
  }
}
