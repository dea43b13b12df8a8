import type { ImagePruneResponse, ImageDeleteResponseItem } from '../../core/wire/images.js';
import { removeImage } from '../../images/remove.js';
import { readConfig } from '../../images/create-image.js';
import { collectImageGarbage } from './remove-image.js';
import { containerSnapshots, containersUsing, type DaemonContext } from '../context.js';
import { filterBool, matchLabels, parseFilters } from '../filters.js';
import { InvalidArgument } from '../../core/errors.js';

function untilSeconds(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const m = /^(\d+)(s|m|h)$/.exec(v);
  if (m) return Date.now() / 1000 - Number(m[1]) * ({ s: 1, m: 60, h: 3600 } as const)[m[2] as 's' | 'm' | 'h'];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgument(`invalid filter 'until=${v}'`);
  return t / 1000;
}

/** POST /images/prune: dangling images, or with `dangling=false` every image no container uses. */
export async function pruneImages(ctx: DaemonContext, filters: string | undefined): Promise<ImagePruneResponse> {
  const { store } = ctx.images;
  const f = parseFilters(filters, ['dangling', 'label', 'label!', 'until']);
  const danglingOnly = (f.get('dangling') ?? ['true']).every((v) => filterBool('dangling', v));
  const until = f.get('until')?.[0];
  const deleted: ImageDeleteResponseItem[] = [];
  for (const rec of store.list()) {
    if (!store.get(rec.id)) continue;
    const tags = store.tagsOf(rec.id);
    if (danglingOnly && tags.length > 0) continue;
    if (containersUsing(ctx, rec.id).length > 0) continue;
    if (store.list().some((o) => o.parent === rec.id)) continue;
    const config = await readConfig(ctx.images, rec.id);
    if (!matchLabels(f.get('label'), config.config?.Labels)) continue;
    const notLabels = f.get('label!');
    if (notLabels && notLabels.length && matchLabels(notLabels, config.config?.Labels)) continue;
    if (until && config.created && Date.parse(config.created) / 1000 >= untilSeconds(until)) continue;
    deleted.push(...(await removeImage(ctx.images, rec.id, { force: true, usedBy: (id) => containersUsing(ctx, id) })));
  }
  // Only what GC actually freed counts: layers shared with kept images stay.
  const reclaimed = await collectImageGarbage(ctx);
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}
