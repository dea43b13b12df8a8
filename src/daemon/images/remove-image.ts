import type { ImageDeleteResponseItem } from '../../core/wire/images.js';
import { removeImage } from '../../images/remove.js';
import { collectGarbage } from '../../images/gc.js';
import { containerSnapshots, containersUsing, type DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';

/** DELETE /images/{name}: untag/delete, then drop layers and blobs nothing uses any more. */
export async function removeImageUseCase(ctx: DaemonContext, name: string, force: boolean, noPrune: boolean): Promise<ImageDeleteResponseItem[]> {
  const imageId = ctx.images.store.tryResolve(name);
  const items = await removeImage(ctx.images, name, { force, noPrune, usedBy: (id) => containersUsing(ctx, id) });
  if (imageId) {
    for (const i of items) {
      if (i.Untagged) emitImageEvent(ctx, imageId, 'untag', i.Untagged);
      else if (i.Deleted) emitImageEvent(ctx, i.Deleted, 'delete');
    }
  }
  if (items.some((i) => i.Deleted)) await collectImageGarbage(ctx);
  return items;
}

export async function collectImageGarbage(ctx: DaemonContext): Promise<number> {
  const r = await collectGarbage(ctx.images, { keepSnapshots: containerSnapshots(ctx), busy: () => ctx.writes.busy() });
  return r.bytes;
}
