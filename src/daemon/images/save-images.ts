import type { Readable } from 'node:stream';
import { InvalidArgument } from '../../core/errors.js';
import { resolveSaveTargets, saveImages } from '../../images/save.js';
import type { DaemonContext } from '../context.js';

/** GET /images/get?names=... : names are resolved before the first byte goes out, so a bad name is a clean 404. */
export function saveImagesUseCase(ctx: DaemonContext, names: readonly string[]): Readable {
  if (names.length === 0) throw new InvalidArgument('no image names given');
  return saveImages(ctx.images, resolveSaveTargets(ctx.images, names));
}
