import { InvalidArgument, NotFound } from '../../core/errors.js';
import type { HostConfig } from '../../core/wire/containers.js';
import type { EndpointSettings, NetworkingConfig } from '../../core/wire/networks.js';
import type { ContainerNetworkSettings } from '../containers/container-record.js';
import type { DaemonContext } from '../context.js';
import { DEFAULT_NETWORK, isUserBridge, type NetworkRecord } from './network-record.js';
import { isIpv4 } from '../../core/ipv4.js';

/** How a container is networked, from HostConfig.NetworkMode. */
export type NetworkKind =
  | { kind: 'none' }
  | { kind: 'host' }
  | { kind: 'container'; ref: string }
  /** The default bridge or a user network: a namespace of berthd's with veths. */
  | { kind: 'bridge'; network: string };

export function networkKind(mode: string | undefined): NetworkKind {
  const m = mode ?? '';
  if (m === 'none') return { kind: 'none' };
  if (m === 'host') return { kind: 'host' };
  if (m.startsWith('container:')) return { kind: 'container', ref: m.slice('container:'.length) };
  if (m === '' || m === 'default') return { kind: 'bridge', network: DEFAULT_NETWORK };
  return { kind: 'bridge', network: m };
}

/** An endpoint as stored before the container runs: what was asked, nothing allocated. */
export function blankEndpoint(n: NetworkRecord | undefined, asked: EndpointSettings | undefined): EndpointSettings {
  return {
    IPAMConfig: asked?.IPAMConfig ?? null,
    Links: asked?.Links ?? null,
    Aliases: asked?.Aliases?.length ? [...asked.Aliases] : null,
    MacAddress: asked?.MacAddress ?? '',
    DriverOpts: asked?.DriverOpts ?? null,
    GwPriority: asked?.GwPriority ?? 0,
    NetworkID: n?.Id ?? '',
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

/** Docker's checks of what an endpoint may ask on a given network. */
export function checkEndpoint(n: NetworkRecord, ep: EndpointSettings | undefined): void {
  if (!ep) return;
  const ip = ep.IPAMConfig?.IPv4Address;
  if (ip) {
    if (!isUserBridge(n)) throw new InvalidArgument('user specified IP address is supported on user defined networks only');
    if (!isIpv4(ip)) throw new InvalidArgument(`invalid IPv4 address: ${ip}`);
  }
  if (ep.Aliases?.length && !isUserBridge(n)) throw new InvalidArgument('network-scoped alias is supported only for containers in user defined networks');
  if (ep.MacAddress && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(ep.MacAddress)) throw new InvalidArgument(`invalid MAC address: ${ep.MacAddress}`);
}

/**
 * Resolves and validates the network mode at create (NetworkMode normalised:
 * `default` becomes `bridge`) and returns the endpoints the container will have.
 */
export function networkSettingsAtCreate(
  ctx: DaemonContext,
  hc: HostConfig,
  networking: NetworkingConfig | null | undefined,
  legacyMac: string | undefined,
): ContainerNetworkSettings {
  const k = networkKind(hc.NetworkMode);
  const asked = networking?.EndpointsConfig ?? {};
  const settings: ContainerNetworkSettings = { Networks: {}, Ports: {}, SandboxKey: '', Interfaces: {} };
  if (k.kind === 'none' || k.kind === 'host') {
    hc.NetworkMode = k.kind;
    settings.Networks[k.kind] = blankEndpoint(ctx.networks.store.get(k.kind), undefined);
    return settings;
  }
  if (k.kind === 'container') {
    if (!k.ref) throw new InvalidArgument('invalid network mode: container: needs a container name or ID');
    const other = ctx.containers.store.tryGet(k.ref);
    if (!other) throw new NotFound(`No such container: ${k.ref}`);
    const conflict = (what: string) => new InvalidArgument(`conflicting options: ${what} and the network mode`);
    if ((hc.PortBindings && Object.keys(hc.PortBindings).length) || hc.PublishAllPorts) throw new InvalidArgument('conflicting options: port publishing and the container type network mode');
    if (hc.Dns?.length) throw conflict('dns');
    if (hc.ExtraHosts?.length) throw conflict('custom host-to-IP mapping');
    if (legacyMac) throw conflict('mac-address');
    hc.NetworkMode = `container:${other.Id}`;
    return settings;
  }
  // As Docker, a network that does not exist fails at start ("network x not found"), not at create.
  const primary = ctx.networks.store.tryGet(k.network);
  if (primary && primary.Driver !== 'bridge') throw new InvalidArgument(`network ${k.network} cannot be used as a container network`);
  hc.NetworkMode = k.network;
  // The docker CLI names the mode's network as typed, `default` included.
  const primaryKeys = new Set([k.network, 'default', ...(primary ? [primary.Name, primary.Id] : [])]);
  const primaryAsk = Object.entries(asked).find(([key]) => primaryKeys.has(key))?.[1];
  const withMac = legacyMac ? { ...(primaryAsk ?? {}), MacAddress: legacyMac } : primaryAsk;
  if (primary) checkEndpoint(primary, withMac);
  settings.Networks[primary?.Name ?? k.network] = blankEndpoint(primary, withMac);
  // API 1.44+: more networks may be given at create; they are connected too.
  for (const [name, ep] of Object.entries(asked)) {
    if (primaryKeys.has(name)) continue;
    const n = ctx.networks.store.tryGet(name);
    if (n && n.Driver !== 'bridge') throw new InvalidArgument(`container cannot be connected to network ${name} and ${k.network} at the same time`);
    if (n) checkEndpoint(n, ep);
    settings.Networks[n?.Name ?? name] = blankEndpoint(n, ep);
  }
  return settings;
}
