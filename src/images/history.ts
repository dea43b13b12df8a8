import type { Digest } from '../core/digest.js';
import type { HistoryEntry } from '../core/image-config.js';
import type { ImageDeps } from './deps.js';
import { readConfig } from './create-image.js';

export interface HistoryItem {
  id: Digest | '<missing>';
  created: number;
  createdBy: string;
  tags: string[];
  size: number;
  comment: string;
}

/**
 * An image's history, newest first, as `docker history` shows it. Non-empty
 * history entries line up with layers in order; the top entry carries the image
 * ID, the ones below it the IDs along its parent chain (the intermediate images of
 * a local build), the rest the ID of a local image whose top is that layer, or `<missing>`.
 */
export async function imageHistory(deps: ImageDeps, id: Digest, tagsOf: (id: Digest) => string[]): Promise<HistoryItem[]> {
  const rec = deps.store.get(id);
  const config = await readConfig(deps, id);
  const history: HistoryEntry[] = config.history?.length
    ? config.history
    : (rec?.diffIds ?? []).map(() => ({ created: config.created, created_by: '', comment: '' }));
  const chain = rec?.chainIds ?? [];
  const byTopLayer = new Map<string, Digest>();
  for (const other of deps.store.list()) {
    const top = other.chainIds[other.chainIds.length - 1];
    if (top && other.id !== id && !byTopLayer.has(top)) byTopLayer.set(top, other.id);
  }
  const items: HistoryItem[] = [];
  let layer = 0;
  for (const h of history) {
    let size = 0;
    let layerChain: Digest | undefined;
    if (!h.empty_layer) {
      layerChain = chain[layer];
      size = layerChain ? (deps.store.layer(layerChain)?.size ?? 0) : 0;
      layer++;
    }
    items.push({
      id: '<missing>',
      created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0,
      createdBy: h.created_by ?? '',
      tags: [],
      size,
      comment: h.comment ?? '',
    });
    const parentImage = layerChain ? byTopLayer.get(layerChain) : undefined;
    if (parentImage && layer < chain.length) {
      const last = items[items.length - 1]!;
      last.id = parentImage;
      last.tags = tagsOf(parentImage);
    }
  }
  items.reverse();
  // Docker's own rule: the top entry is the image, each entry below it the image's parent
  // (a build's step images, a commit's base), for as long as that parent still exists here.
  let cur: Digest | undefined = id;
  for (const item of items) {
    item.id = cur;
    item.tags = tagsOf(cur);
    cur = deps.store.get(cur)?.parent;
    if (!cur || !deps.store.get(cur)) break;
  }
  return items;
}
