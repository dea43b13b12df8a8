import { mkdir } from 'node:fs/promises';
import { messageOf } from '../../core/errors.js';
import { KeyedMutex } from '../../util/mutex.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';
import { rootfsOf } from './container-runner.js';

export interface RootfsHold {
  /** Host path of the container's merged root file system. */
  path: string;
  /** Idempotent; unmounts when this was the last hold on a container that is not running. */
  release(): Promise<void>;
}

const lock = new KeyedMutex();
const holds = new Map<string, number>();

/**
 * Gives access to a container's merged root file system whether or not it runs, for
 * cp, export and commit. A running container's rootfs is already mounted at its usual
 * place. A stopped one is mounted there for the time of the hold: if the container is
 * started meanwhile, start finds the mount and uses it, and the last release leaves it
 * mounted. Holds are counted per container, so concurrent copies share one mount.
 */
export async function holdRootfs(ctx: DaemonContext, c: Pick<ContainerRecord, 'Id' | 'SnapshotKey'>): Promise<RootfsHold> {
  const path = rootfsOf(ctx, c.Id);
  const { mounter } = ctx.containers;
  await lock.run(c.Id, async () => {
    const n = holds.get(c.Id) ?? 0;
    if (n === 0 && !(await mounter.isMountPoint(path))) {
      await mkdir(path, { recursive: true });
      await mounter.mountAll(await ctx.images.snapshots.mounts(c.SnapshotKey), path);
    }
    holds.set(c.Id, n + 1);
  });
  let released = false;
  return {
    path,
    release: async () => {
      if (released) return;
      released = true;
      await lock.run(c.Id, async () => {
        const n = (holds.get(c.Id) ?? 1) - 1;
        if (n > 0) {
          holds.set(c.Id, n);
          return;
        }
        holds.delete(c.Id);
        const cur = ctx.containers.store.tryGet(c.Id);
        if (cur?.State.Running) return;
        await mounter.unmount(path).catch(async (err: unknown) => {
          ctx.logger.warn('unmounting container rootfs failed; detaching it', { id: c.Id, error: messageOf(err) });
          await mounter.unmount(path, { detach: true });
        });
      });
    },
  };
}
