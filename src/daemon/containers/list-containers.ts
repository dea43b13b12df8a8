import type { ContainerSummary } from '../../core/wire/containers.js';
import type { DaemonContext } from '../context.js';
import { filterBool, matchLabels, parseFilters } from '../filters.js';
import { toSummary } from './container-views.js';

export interface ListContainersInput {
  all: boolean;
  limit?: number;
  size: boolean;
  filters?: string;
}

/** GET /containers/json, newest first. */
export async function listContainers(ctx: DaemonContext, input: ListContainersInput): Promise<ContainerSummary[]> {
  const f = parseFilters(input.filters, ['status', 'name', 'id', 'label', 'ancestor', 'exited', 'before', 'since', 'is-task', 'network', 'volume', 'health', 'publish', 'expose']);
  const statuses = f.get('status');
  const all = input.all || (input.limit !== undefined && input.limit > 0) || statuses !== undefined || f.has('exited');
  let list = ctx.containers.store.list().sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created) || b.Id.localeCompare(a.Id));
  const ancestors = f.get('ancestor')?.map((a) => {
    try {
      return ctx.images.store.resolve(a);
    } catch {
      return a;
    }
  });
  const before = f.get('before')?.[0];
  const since = f.get('since')?.[0];
  const beforeC = before ? ctx.containers.store.get(before) : undefined;
  const sinceC = since ? ctx.containers.store.get(since) : undefined;
  list = list.filter((c) => {
    if (!all && !c.State.Running) return false;
    if (statuses && !statuses.includes(c.State.Status)) return false;
    if (f.get('name') && !f.get('name')!.some((n) => new RegExp(n).test(c.Name.slice(1)))) return false;
    if (f.get('id') && !f.get('id')!.some((i) => c.Id.startsWith(i))) return false;
    if (!matchLabels(f.get('label'), c.Config.Labels)) return false;
    if (ancestors && !ancestors.includes(c.Image)) return false;
    if (f.get('exited') && (c.State.Status !== 'exited' || !f.get('exited')!.map(Number).includes(c.State.ExitCode))) return false;
    if (beforeC && Date.parse(c.Created) >= Date.parse(beforeC.Created)) return false;
    if (sinceC && Date.parse(c.Created) <= Date.parse(sinceC.Created)) return false;
    if (f.get('is-task') && f.get('is-task')!.some((v) => filterBool('is-task', v))) return false;
    if (f.get('health') && !f.get('health')!.includes(c.State.Health?.Status ?? 'none')) return false;
    return true;
  });
  if (input.limit !== undefined && input.limit > 0) list = list.slice(0, input.limit);
  const out: ContainerSummary[] = [];
  for (const c of list) {
    let sizes: { rw: number; rootFs: number } | undefined;
    if (input.size) {
      const rw = (await ctx.images.snapshots.usage(c.SnapshotKey).catch(() => ({ size: 0 }))).size;
      const rec = ctx.images.store.get(c.Image);
      const base = rec ? rec.chainIds.reduce((n, id) => n + (ctx.images.store.layer(id)?.size ?? 0), 0) : 0;
      sizes = { rw, rootFs: rw + base };
    }
    out.push(toSummary(ctx, c, sizes));
  }
  return out;
}
