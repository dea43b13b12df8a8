import { watch } from 'node:fs';
import { messageOf } from '../../core/errors.js';
import { prepareLog, rearmLog } from '../../runtime/logs/rotation.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';
import { logLimits } from './log-config.js';

/** Before conmon starts: a fresh log generation, the next one staged, old ones pruned. */
export async function prepareContainerLog(ctx: DaemonContext, c: ContainerRecord): Promise<number> {
  const { maxSize, maxFiles } = logLimits(c.HostConfig.LogConfig?.Config);
  await prepareLog(ctx.containers.store.dir(c.Id), maxFiles);
  return maxSize;
}

/**
 * Keeps a running container's log rotated: every rotation conmon makes (a rename in
 * the container's directory) stages the next generation and prunes the oldest.
 * Also run at live restore, for rotations made while berthd was down. Returns the stop.
 */
export function keepLogRotated(ctx: DaemonContext, c: ContainerRecord): () => void {
  const { maxSize, maxFiles } = logLimits(c.HostConfig.LogConfig?.Config);
  if (maxSize === 0) return () => undefined;
  const dir = ctx.containers.store.dir(c.Id);
  let chain = Promise.resolve();
  const rearm = () => {
    chain = chain
      .then(() => rearmLog(dir, maxFiles))
      .catch((err: unknown) => ctx.logger.warn('log rotation failed', { id: c.Id, error: messageOf(err) }));
  };
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    // Writes show up as 'change'; conmon's rotation and our staging are renames and links.
    watcher = watch(dir, (event, name) => {
      if (event === 'rename' && name?.startsWith('container.log')) rearm();
    });
    watcher.on('error', () => watcher?.close());
  } catch (err) {
    ctx.logger.warn('cannot watch the log for rotation', { id: c.Id, error: messageOf(err) });
  }
  rearm();
  return () => watcher?.close();
}
