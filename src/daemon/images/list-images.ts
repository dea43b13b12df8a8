import type { ImageSummary } from '../../core/wire/images.js';
import { familiarName, familiarString, parseReference } from '../../core/reference.js';
import { createdSeconds, toSummary } from './views.js';
import { readConfig } from '../../images/create-image.js';
import { containerSnapshots, containersUsing, type DaemonContext } from '../context.js';
import { filterBool, globMatch, matchLabels, parseFilters } from '../filters.js';

export interface ListImagesInput {
  all?: boolean;
  filters?: string;
  apiVersion: number;
}

/** GET /images/json. Without `all`, untagged images that are parents of others are hidden, as Docker does. */
export async function listImages(ctx: DaemonContext, input: ListImagesInput): Promise<ImageSummary[]> {
  const { store } = ctx.images;
  const f = parseFilters(input.filters, ['dangling', 'reference', 'label', 'before', 'since', 'until']);
  const dangling = f.get('dangling')?.map((v) => filterBool('dangling', v));
  const refs = f.get('reference');
  const beforeId = f.get('before')?.[0];
  const sinceId = f.get('since')?.[0];
  const before = beforeId ? createdSeconds(await readConfig(ctx.images, store.resolve(beforeId))) : undefined;
  const since = sinceId ? createdSeconds(await readConfig(ctx.images, store.resolve(sinceId))) : undefined;
  const parents = new Set(store.list().map((r) => r.parent).filter(Boolean));
  const out: ImageSummary[] = [];
  for (const rec of store.list()) {
    const tags = store.tagsOf(rec.id);
    if (!input.all && tags.length === 0 && parents.has(rec.id)) continue;
    if (dangling && dangling.some((d) => d !== (tags.length === 0))) continue;
    const config = await readConfig(ctx.images, rec.id);
    if (!matchLabels(f.get('label'), config.config?.Labels)) continue;
    const created = createdSeconds(config);
    if (before !== undefined && created >= before) continue;
    if (since !== undefined && created <= since) continue;
    if (refs) {
      const names = tags.map((t) => parseReference(t));
      const hit = names.some((r) => refs.some((p) => globMatch(p, familiarName(r)) || globMatch(p, familiarString(r))));
      if (!hit) continue;
    }
    const summary = toSummary(store, rec, config, containersUsing(ctx, rec.id).length, input.apiVersion);
    out.push(summary);
  }
  out.sort((a, b) => b.Created - a.Created || a.Id.localeCompare(b.Id));
  return out;
}
