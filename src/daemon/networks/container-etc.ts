import { join } from 'node:path';
import type { ContainerRecord } from '../containers/container-record.js';
import type { DaemonContext } from '../context.js';
import { writeEtcFiles, type EtcFiles } from './etc-files.js';
import { networkKind } from './network-mode.js';
import { DEFAULT_NETWORK, isUserBridge } from './network-record.js';
import { DOCKER_DNS } from '../../core/network.js';

/**
 * The container's /etc/hostname, /etc/hosts and /etc/resolv.conf for its
 * network mode. A container joining another's namespace shares that one's files,
 * as Docker does; the others get files of their own (see writeEtcFiles).
 */
export async function containerEtcFiles(ctx: DaemonContext, c: ContainerRecord): Promise<EtcFiles> {
  const k = networkKind(c.HostConfig.NetworkMode);
  const hc = c.HostConfig;
  if (k.kind === 'container') {
    const dir = ctx.containers.store.dir(ctx.containers.store.get(k.ref).Id);
    return { hostname: join(dir, 'hostname'), hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf') };
  }
  const endpoints = Object.values(c.NetworkSettings?.Networks ?? {}).filter((e) => e.IPAddress);
  return writeEtcFiles({
    dir: ctx.containers.store.dir(c.Id),
    hostname: c.Config.Hostname || c.Id.slice(0, 12),
    domainname: c.Config.Domainname || undefined,
    kind: k.kind === 'bridge' ? 'bridge' : k.kind,
    extraHosts: hc.ExtraHosts ?? [],
    hostGateway: ctx.networks.store.tryGet(DEFAULT_NETWORK)?.Gateway ?? '',
    selfAddresses: endpoints.map((e) => e.IPAddress!),
    embeddedDns: embeddedDnsNetwork(ctx, c) !== undefined ? DOCKER_DNS : undefined,
    dns: hc.Dns ?? [],
    dnsSearch: hc.DnsSearch ?? [],
    dnsOptions: hc.DnsOptions ?? [],
    hostResolvConf: ctx.networks.hostResolvConf(),
  });
}

/**
 * The network whose gateway answers the container's queries to 127.0.0.11: its first user
 * network. setupNetworking points the redirect there, and resolv.conf names 127.0.0.11 only
 * when there is one (Docker's default bridge has no DNS).
 */
export function embeddedDnsNetwork(ctx: DaemonContext, c: ContainerRecord): string | undefined {
  const networks = c.NetworkSettings?.Networks ?? {};
  return Object.keys(networks).find((name) => {
    const net = ctx.networks.store.tryGet(networks[name]!.NetworkID || name);
    return net !== undefined && Boolean(net.Gateway) && isUserBridge(net);
  });
}
