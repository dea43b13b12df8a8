import type { Readable } from 'node:stream';
import { InvalidArgument } from '../../core/errors.js';
import { resolveSaveTargets, saveImages } from '../../images/save.js';
import { familiarString } from '../../core/reference.js';
import type { DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';

/** GET /images/get?names=... : names are resolved before the first byte goes out, so a bad name is a clean 404. */
export function saveImagesUseCase(ctx: DaemonContext, names: readonly string[]): Readable {
  if (names.length === 0) throw new InvalidArgument('no image names given');
  const targets = resolveSaveTargets(ctx.images, names);
  const out = saveImages(ctx.images, targets);
  // Docker logs `save` once the archive is written.
  out.once('end', () => {
    for (const t of targets) emitImageEvent(ctx, t.id, 'save', t.refs[0] ? familiarString(t.refs[0]) : t.id);
  });
  return out;
}
