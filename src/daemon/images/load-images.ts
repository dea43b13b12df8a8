import type { Readable } from 'node:stream';
import { loadImages, type LoadedImage } from '../../images/load.js';
import type { DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';

/** POST /images/load */
export async function loadImagesUseCase(ctx: DaemonContext, source: Readable, signal?: AbortSignal): Promise<LoadedImage[]> {
  const loaded = await ctx.writes.track(() => loadImages(ctx.images, source, signal));
  for (const img of loaded) emitImageEvent(ctx, img.id, 'load', img.tags[0] ?? img.id);
  return loaded;
}
