import { InvalidArgument } from '../../core/errors.js';
import { familiarString, parseRepositoryAndTag } from '../../core/reference.js';
import type { DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';

/** POST /images/{name}/tag?repo=&tag= */
export async function tagImage(ctx: DaemonContext, name: string, repo: string | undefined, tag: string | undefined): Promise<void> {
  if (!repo) throw new InvalidArgument('repository name must have at least one component');
  const ref = parseRepositoryAndTag(repo, tag || undefined);
  if (ref.digest) throw new InvalidArgument('refusing to create a tag with a digest reference');
  const id = ctx.images.store.resolve(name);
  await ctx.images.store.tag(ref, id);
  emitImageEvent(ctx, id, 'tag', familiarString(ref));
}
