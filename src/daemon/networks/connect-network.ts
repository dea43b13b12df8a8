import { Forbidden, InvalidArgument } from '../../core/errors.js';
import type { NetworkConnectRequest, NetworkDisconnectRequest } from '../../core/wire/networks.js';
import type { DaemonContext } from '../context.js';
import { attachEndpoint, detachEndpoint, primaryNetwork } from './container-network.js';
import { syncFirewall } from './firewall-state.js';
import { blankEndpoint, checkEndpoint, networkKind } from './network-mode.js';

function requireBridgeMode(mode: string | undefined): void {
  const k = networkKind(mode);
  if (k.kind === 'host') throw new Forbidden('container cannot be disconnected from host network or connected to host network');
  if (k.kind === 'none') throw new Forbidden('container cannot be connected to multiple networks with one of the networks in private (none) mode');
  if (k.kind === 'container') throw new Forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
}

/** POST /networks/{id}/connect: a created container gets the endpoint at start; a running one at once. */
export async function connectNetwork(ctx: DaemonContext, ref: string, req: NetworkConnectRequest | undefined): Promise<void> {
  if (!req?.Container) throw new InvalidArgument('container is required');
  const n = ctx.networks.store.get(ref);
  const c = ctx.containers.store.get(req.Container);
  if (n.Driver !== 'bridge') throw new Forbidden('container cannot be disconnected from host network or connected to host network');
  requireBridgeMode(c.HostConfig.NetworkMode);
  const s = (c.NetworkSettings ??= { Networks: {}, Ports: {}, SandboxKey: '', Interfaces: {} });
  if (Object.values(s.Networks).some((e) => e.NetworkID === n.Id)) throw new Forbidden(`endpoint with name ${c.Name.slice(1)} already exists in network ${n.Name}`);
  const ep = req.EndpointConfig ?? undefined;
  checkEndpoint(n, ep);
  s.Networks[n.Name] = blankEndpoint(n, ep);
  if (c.State.Running && s.SandboxKey) {
    try {
      await attachEndpoint(ctx, c, n.Name, false);
    } catch (err) {
      delete s.Networks[n.Name];
      throw err;
    }
  }
  await ctx.containers.store.save(c);
  await syncFirewall(ctx);
  ctx.eventBus.publish('network', 'connect', n.Id, { container: c.Id, name: n.Name, type: n.Driver });
}

/** POST /networks/{id}/disconnect. */
export async function disconnectNetwork(ctx: DaemonContext, ref: string, req: NetworkDisconnectRequest | undefined): Promise<void> {
  if (!req?.Container) throw new InvalidArgument('container is required');
  const n = ctx.networks.store.get(ref);
  const c = ctx.containers.store.get(req.Container);
  if (n.Driver === 'host' || networkKind(c.HostConfig.NetworkMode).kind === 'host') {
    throw new Forbidden('container cannot be disconnected from host network or connected to host network');
  }
  const s = c.NetworkSettings;
  const name = Object.entries(s?.Networks ?? {}).find(([, e]) => e.NetworkID === n.Id)?.[0];
  if (!s || !name) throw new Forbidden(`container ${c.Id} is not connected to network ${n.Name}`);
  const wasPrimary = primaryNetwork(c) === name;
  await detachEndpoint(ctx, c, name);
  delete s.Networks[name];
  if (wasPrimary && s.Ports && Object.keys(s.Ports).length) {
    // Published ports pointed at the address that just went: they stay bound but follow no container until restart.
    ctx.logger.warn('published ports lost their network', { id: c.Id, network: n.Name });
  }
  await ctx.containers.store.save(c);
  await syncFirewall(ctx);
  ctx.eventBus.publish('network', 'disconnect', n.Id, { container: c.Id, name: n.Name, type: n.Driver });
}
