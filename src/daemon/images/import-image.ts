import type { Readable } from 'node:stream';
import { familiarString, parseRepositoryAndTag } from '../../core/reference.js';
import type { Reference } from '../../core/reference.js';
import { importImage } from '../../images/import.js';
import type { DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';

export interface ImportInput {
  repo?: string;
  tag?: string;
  changes: string[];
  message?: string;
  platform?: string;
  signal?: AbortSignal;
}

/** POST /images/create?fromSrc=-: the reference is checked before any byte is read. */
export async function importImageUseCase(ctx: DaemonContext, source: Readable, input: ImportInput): Promise<{ id: string }> {
  const ref: Reference | undefined = input.repo ? parseRepositoryAndTag(input.repo, input.tag || undefined) : undefined;
  const [os, architecture] = (input.platform || 'linux/amd64').split('/');
  const rec = await ctx.writes.track(() =>
    importImage(ctx.images, source, { changes: input.changes, message: input.message, os, architecture, signal: input.signal }),
  );
  if (ref) await ctx.images.store.tag(ref, rec.id);
  emitImageEvent(ctx, rec.id, 'import', ref ? familiarString(ref) : rec.id);
  return { id: rec.id };
}
