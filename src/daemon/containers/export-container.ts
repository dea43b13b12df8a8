import type { Readable } from 'node:stream';
import { packDirectory } from '../../archive/index.js';
import type { DaemonContext } from '../context.js';
import { holdRootfs } from './container-rootfs.js';

/**
 * GET /containers/{id}/export: a tar of the container's whole merged file system.
 * A stopped container's rootfs is mounted for as long as the stream lives; the mount
 * is released when the stream closes, whether it was read to the end or abandoned.
 */
export async function exportContainer(ctx: DaemonContext, ref: string): Promise<Readable> {
  const c = ctx.containers.store.get(ref);
  const hold = await holdRootfs(ctx, c);
  try {
    const tar = packDirectory(hold.path);
    tar.once('close', () => void hold.release());
    return tar;
  } catch (err) {
    await hold.release();
    throw err;
  }
}
