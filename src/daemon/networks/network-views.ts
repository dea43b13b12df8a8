import type { NetworkContainer, NetworkInspect } from '../../core/wire/networks.js';
import type { DaemonContext } from '../context.js';
import { filterBool, matchLabels, parseFilters } from '../filters.js';
import type { NetworkRecord } from './network-record.js';

/** Containers with an endpoint on `n` right now (running ones; Docker lists only those). */
export function endpointsOn(ctx: DaemonContext, n: NetworkRecord): Record<string, NetworkContainer> {
  const out: Record<string, NetworkContainer> = {};
  for (const c of ctx.containers.store.list()) {
    const ep = Object.values(c.NetworkSettings?.Networks ?? {}).find((e) => e.NetworkID === n.Id);
    if (!ep?.EndpointID) continue;
    out[c.Id] = { Name: c.Name.slice(1), EndpointID: ep.EndpointID, MacAddress: ep.MacAddress ?? '', IPv4Address: ep.IPAddress ? `${ep.IPAddress}/${ep.IPPrefixLen}` : '', IPv6Address: '' };
  }
  return out;
}

/** Containers whose configuration names `n` (running or not): what `network rm` and prune must respect. */
export function containersUsing(ctx: DaemonContext, n: NetworkRecord): string[] {
  return ctx.containers.store
    .list()
    .filter((c) => Object.values(c.NetworkSettings?.Networks ?? {}).some((e) => e.NetworkID === n.Id))
    .map((c) => c.Id);
}

export function toNetworkInspect(ctx: DaemonContext, n: NetworkRecord, withContainers = true): NetworkInspect {
  return {
    Name: n.Name,
    Id: n.Id,
    Created: n.Created,
    Scope: 'local',
    Driver: n.Driver,
    EnableIPv4: n.Driver === 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: n.Subnet ? [{ Subnet: n.Subnet, Gateway: n.Gateway }] : [] },
    Internal: n.Internal,
    Attachable: n.Attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: withContainers ? endpointsOn(ctx, n) : {},
    Options: n.Options,
    Labels: n.Labels,
  };
}

const FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];

/** GET /networks with Docker's filters: name and id match substrings/prefixes, type is builtin or custom. */
export function listNetworks(ctx: DaemonContext, rawFilters: string | undefined): NetworkInspect[] {
  const f = parseFilters(rawFilters, FILTERS);
  return ctx.networks.store
    .list()
    .filter((n) => {
      const names = f.get('name');
      if (names && !names.some((v) => n.Name.includes(v))) return false;
      const ids = f.get('id');
      if (ids && !ids.some((v) => n.Id.startsWith(v))) return false;
      const drivers = f.get('driver');
      if (drivers && !drivers.includes(n.Driver)) return false;
      if (!matchLabels(f.get('label'), n.Labels)) return false;
      const scopes = f.get('scope');
      if (scopes && !scopes.includes('local')) return false;
      const types = f.get('type');
      if (types && !types.some((t) => (t === 'builtin' ? n.Predefined : t === 'custom' ? !n.Predefined : false))) return false;
      const dangling = f.get('dangling');
      if (dangling?.length) {
        const want = filterBool('dangling', dangling[0]!);
        const isDangling = !n.Predefined && containersUsing(ctx, n).length === 0;
        if (want !== isDangling) return false;
      }
      return true;
    })
    .sort((a, b) => a.Created.localeCompare(b.Created))
    .map((n) => toNetworkInspect(ctx, n, false));
}
