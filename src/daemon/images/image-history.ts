import type { HistoryResponseItem } from '../../core/wire/images.js';
import { familiarString, parseReference } from '../../core/reference.js';
import { imageHistory } from '../../images/history.js';
import type { DaemonContext } from '../context.js';

/** GET /images/{name}/history */
export async function historyOfImage(ctx: DaemonContext, name: string): Promise<HistoryResponseItem[]> {
  const { store } = ctx.images;
  const id = store.resolve(name);
  const items = await imageHistory(ctx.images, id, (i) => store.tagsOf(i).map((t) => familiarString(parseReference(t))));
  return items.map((h) => ({ Id: h.id, Created: h.created, CreatedBy: h.createdBy, Tags: h.tags.length ? h.tags : null, Size: h.size, Comment: h.comment }));
}
