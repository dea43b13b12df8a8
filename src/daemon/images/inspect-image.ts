import type { ImageInspect } from '../../core/wire/images.js';
import { readConfig } from '../../images/create-image.js';
import type { DaemonContext } from '../context.js';
import { toInspect } from './views.js';

/** GET /images/{name}/json. GraphDriver names the overlay dirs as Docker's overlay2 does. */
export async function inspectImage(ctx: DaemonContext, name: string, apiVersion: number): Promise<ImageInspect> {
  const { store, snapshots } = ctx.images;
  const id = store.resolve(name);
  const rec = store.get(id)!;
  const config = await readConfig(ctx.images, id);
  let graph: Record<string, string> | null = null;
  const top = rec.chainIds[rec.chainIds.length - 1];
  if (top) {
    const upper = await snapshots.upperDir(top);
    const lowers = await snapshots.lowerDirs(top);
    graph = { UpperDir: upper, WorkDir: upper.replace(/\/fs$/, '/work'), MergedDir: upper.replace(/\/fs$/, '/merged') };
    if (lowers.length) graph.LowerDir = lowers.join(':');
  }
  return toInspect(store, rec, config, graph, apiVersion);
}
