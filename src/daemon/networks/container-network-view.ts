import { createHash } from 'node:crypto';
import type { EndpointSettings, PortSummary } from '../../core/wire/networks.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { DEFAULT_NETWORK } from './network-record.js';

function endpoints(c: ContainerRecord): Record<string, EndpointSettings> {
  const nets = c.NetworkSettings?.Networks;
  if (nets && Object.keys(nets).length) return nets;
  // Records from before networking existed ran with none or host and kept no endpoint.
  const mode = c.HostConfig.NetworkMode === 'host' ? 'host' : c.HostConfig.NetworkMode?.startsWith('container:') ? undefined : 'none';
  return mode ? { [mode]: { IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null } } : {};
}

/** Docker's ContainerInspect NetworkSettings: the default bridge's address is repeated at top level. */
export function networkSettingsView(c: ContainerRecord): Record<string, unknown> {
  const s = c.NetworkSettings;
  const nets = endpoints(c);
  const def = nets[DEFAULT_NETWORK];
  return {
    Bridge: '',
    SandboxID: s?.SandboxKey ? createHash('sha256').update(s.SandboxKey).digest('hex') : '',
    SandboxKey: s?.SandboxKey ?? '',
    Ports: s?.SandboxKey ? s.Ports : {},
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: def?.EndpointID ?? '',
    Gateway: def?.Gateway ?? '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: def?.IPAddress ?? '',
    IPPrefixLen: def?.IPPrefixLen ?? 0,
    IPv6Gateway: '',
    MacAddress: def?.MacAddress ?? '',
    Networks: nets,
  };
}

/** GET /containers/json `Ports`: published ports with their host side, exposed ones without. */
export function summaryPorts(c: ContainerRecord): PortSummary[] {
  const out: PortSummary[] = [];
  if (!c.State.Running || !c.NetworkSettings?.SandboxKey) return out;
  for (const [key, list] of Object.entries(c.NetworkSettings.Ports)) {
    const [p, proto = 'tcp'] = key.split('/');
    if (!list?.length) out.push({ PrivatePort: Number(p), Type: proto });
    else for (const b of list) out.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(p), PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}

export function summaryNetworks(c: ContainerRecord): Record<string, EndpointSettings> {
  return endpoints(c);
}
