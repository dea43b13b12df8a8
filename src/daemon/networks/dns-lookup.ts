import { contains, parseCidr } from '../../core/ipv4.js';
import type { DnsQuestion } from '../../core/network.js';
import type { DaemonContext } from '../context.js';
import { bridgeResolvers } from './etc-files.js';
import { isUserBridge, type NetworkRecord } from './network-record.js';

function networkOf(ctx: DaemonContext, source: string): NetworkRecord | undefined {
  return ctx.networks.store.list().find((n) => isUserBridge(n) && n.Subnet && contains(parseCidr(n.Subnet), source));
}

/**
 * Names a container may resolve: on its own user network, the running
 * containers' names, aliases and short IDs (Docker's DNSNames). `undefined`
 * for names berthd does not own, which go to the host's resolvers.
 */
export function lookupName(ctx: DaemonContext, q: DnsQuestion): string[] | undefined {
  const net = networkOf(ctx, q.source);
  if (!net) return undefined;
  const ips: string[] = [];
  for (const c of ctx.containers.store.list()) {
    const ep = Object.values(c.NetworkSettings?.Networks ?? {}).find((e) => e.NetworkID === net.Id);
    if (!ep?.IPAddress) continue;
    const names = [...(ep.DNSNames ?? []), ...(ep.Aliases ?? [])].map((n) => n.toLowerCase());
    if (names.includes(q.name)) ips.push(ep.IPAddress);
  }
  return ips.length ? ips : undefined;
}

let hostResolvers: { at: number; list: string[] } | undefined;

/** Where names berthd does not own go: the asking container's --dns servers, else the host's (re-read every 10 s). */
export function upstreamsFor(ctx: DaemonContext, source: string, hostResolvConf: () => string): string[] {
  const net = networkOf(ctx, source);
  if (net) {
    for (const c of ctx.containers.store.list()) {
      const asks = Object.values(c.NetworkSettings?.Networks ?? {}).some((e) => e.NetworkID === net.Id && e.IPAddress === source);
      if (asks && c.HostConfig.Dns?.length) return [...c.HostConfig.Dns];
    }
  }
  if (!hostResolvers || Date.now() - hostResolvers.at > 10_000) hostResolvers = { at: Date.now(), list: bridgeResolvers(hostResolvConf()) };
  return hostResolvers.list;
}
