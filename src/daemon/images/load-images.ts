import type { Readable } from 'node:stream';
import { loadImages, type LoadedImage } from '../../images/load.js';
import type { DaemonContext } from '../context.js';

/** POST /images/load */
export async function loadImagesUseCase(ctx: DaemonContext, source: Readable, signal?: AbortSignal): Promise<LoadedImage[]> {
  return ctx.writes.track(() => loadImages(ctx.images, source, signal));
}
