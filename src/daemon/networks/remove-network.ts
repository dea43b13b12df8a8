import { Conflict, Forbidden } from '../../core/errors.js';
import type { NetworkPruneResponse } from '../../core/wire/networks.js';
import type { DaemonContext } from '../context.js';
import { matchLabels, parseFilters } from '../filters.js';
import { syncFirewall } from './firewall-state.js';
import type { NetworkRecord } from './network-record.js';
import { containersUsing } from './network-views.js';

async function removeRecord(ctx: DaemonContext, n: NetworkRecord): Promise<void> {
  // The record goes last: a crash before it leaves a network start-up re-creates, never a bridge nobody knows.
  if (n.Gateway) await ctx.networks.dns.close(n.Gateway);
  if (n.Bridge) await ctx.networks.driver.removeBridge(n.Bridge);
  await ctx.networks.ipam.dropNetwork(n.Id);
  await ctx.networks.store.delete(n.Id);
  await syncFirewall(ctx);
  ctx.eventBus.publish('network', 'destroy', n.Id, { name: n.Name, type: n.Driver });
}

/** DELETE /networks/{id}: refused for predefined networks and while a container is connected. */
export async function removeNetwork(ctx: DaemonContext, ref: string): Promise<void> {
  const n = ctx.networks.store.get(ref);
  if (n.Predefined) throw new Forbidden(`${n.Name} is a pre-defined network and cannot be removed`);
  if (containersUsing(ctx, n).length) throw new Conflict(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
  await removeRecord(ctx, n);
}

/** POST /networks/prune: user networks no container uses, filtered by label and `until`. */
export async function pruneNetworks(ctx: DaemonContext, rawFilters: string | undefined): Promise<NetworkPruneResponse> {
  const f = parseFilters(rawFilters, ['label', 'label!', 'until']);
  const until = f.get('until')?.[0];
  const limit = until ? (/^\d+$/.test(until) ? Number(until) * 1000 : Date.parse(until)) : undefined;
  const deleted: string[] = [];
  for (const n of ctx.networks.store.list()) {
    if (n.Predefined || containersUsing(ctx, n).length) continue;
    if (!matchLabels(f.get('label'), n.Labels)) continue;
    const not = f.get('label!');
    if (not?.length && not.some((l) => matchLabels([l], n.Labels))) continue;
    if (limit !== undefined && Date.parse(n.Created) >= limit) continue;
    await removeRecord(ctx, n);
    deleted.push(n.Name);
  }
  return { NetworksDeleted: deleted };
}
