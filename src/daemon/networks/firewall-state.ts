import type { BridgeNetwork, FirewallState, PortMapping, PortProto } from '../../core/network.js';
import type { DaemonContext } from '../context.js';
import type { NetworkRecord } from './network-record.js';
import { primaryNetwork } from './container-network.js';

export function bridgeOf(n: NetworkRecord): BridgeNetwork {
  return { bridge: n.Bridge!, subnet: n.Subnet!, gateway: n.Gateway!, internal: n.Internal };
}

/** The firewall as berthd's records say it must be: every bridge network, every running container's ports. */
export function firewallState(ctx: DaemonContext): FirewallState {
  const networks = ctx.networks.store
    .list()
    .filter((n) => n.Driver === 'bridge' && n.Bridge && n.Subnet && n.Gateway)
    .map(bridgeOf);
  const ports: PortMapping[] = [];
  for (const c of ctx.containers.store.list()) {
    const ns = c.NetworkSettings;
    // Rules follow the namespace: set up before runc starts, torn down after exit.
    if (!ns?.SandboxKey) continue;
    const primary = primaryNetwork(c);
    const ep = primary ? ns.Networks[primary] : undefined;
    const net = ep?.NetworkID ? ctx.networks.store.tryGet(ep.NetworkID) : undefined;
    if (!ep?.IPAddress || !net?.Bridge) continue;
    for (const [key, list] of Object.entries(ns.Ports)) {
      const [p, proto = 'tcp'] = key.split('/');
      for (const b of list ?? []) {
        if (!b.HostPort) continue;
        ports.push({ proto: proto as PortProto, hostIp: b.HostIp || '0.0.0.0', hostPort: Number(b.HostPort), containerIp: ep.IPAddress, containerPort: Number(p), bridge: net.Bridge });
      }
    }
  }
  return { networks, ports };
}

export async function syncFirewall(ctx: DaemonContext): Promise<void> {
  await ctx.networks.firewall.sync(firewallState(ctx));
}
