import { randomBytes } from 'node:crypto';
import { AlreadyExists, Forbidden, InvalidArgument, NotFound } from '../../core/errors.js';
import { contains, firstHost, formatCidr, isIpv4, nthSubnet, overlaps, parseCidr, type Cidr } from '../../core/ipv4.js';
import type { NetworkCreateRequest, NetworkCreateResponse } from '../../core/wire/networks.js';
import type { DaemonContext } from '../context.js';
import { syncFirewall } from './firewall-state.js';
import type { NetworkRecord } from './network-record.js';

function takenSubnets(ctx: DaemonContext): Cidr[] {
  return ctx.networks.store
    .list()
    .filter((n) => n.Subnet)
    .map((n) => parseCidr(n.Subnet!));
}

/** The first pool subnet that overlaps neither another network nor a host route (Docker's default-address-pools walk). */
async function pickSubnet(ctx: DaemonContext): Promise<Cidr> {
  const taken = [...takenSubnets(ctx), ...(await ctx.networks.driver.routes()).map(parseCidr)];
  for (const pool of ctx.networks.pools) {
    const base = parseCidr(pool.base);
    for (let i = 0; ; i++) {
      const s = nthSubnet(base, pool.size, i);
      if (!s) break;
      if (!taken.some((t) => overlaps(t, s))) return s;
    }
  }
  throw new Forbidden('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

/** POST /networks/create: a user-defined bridge network, its bridge, DNS server and firewall rules. */
export async function createNetwork(ctx: DaemonContext, req: NetworkCreateRequest | undefined): Promise<NetworkCreateResponse> {
  if (!req || typeof req.Name !== 'string' || req.Name === '') throw new InvalidArgument('network name must not be empty');
  const { store } = ctx.networks;
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(req.Name)) throw new InvalidArgument(`invalid network name "${req.Name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  const driver = req.Driver || 'bridge';
  if (driver === 'host' || driver === 'null') throw new Forbidden(`only one instance of "${driver}" network is allowed`);
  if (driver !== 'bridge') throw new NotFound(`plugin "${driver}" not found`);
  if (store.list().some((n) => n.Name === req.Name)) throw new AlreadyExists(`network with name ${req.Name} already exists`);
  if (req.EnableIPv6) throw new InvalidArgument('IPv6 networks are not supported by Berth yet');
  const configs = req.IPAM?.Config ?? [];
  if (configs.length > 1) throw new InvalidArgument('Berth supports one IPv4 subnet per network');
  const asked = configs[0] ?? {};
  let subnet: Cidr;
  if (asked.Subnet) {
    subnet = parseCidr(asked.Subnet);
    if (takenSubnets(ctx).some((t) => overlaps(t, subnet))) throw new Forbidden('invalid pool request: Pool overlaps with other one on this address space');
  } else {
    if (asked.Gateway) throw new InvalidArgument('a gateway needs a subnet (--subnet)');
    subnet = await pickSubnet(ctx);
  }
  if (subnet.prefix > 30) throw new InvalidArgument(`subnet ${formatCidr(subnet)} is too small for a network`);
  const gateway = asked.Gateway || firstHost(subnet);
  if (!isIpv4(gateway) || !contains(subnet, gateway)) throw new InvalidArgument(`no matching subnet for gateway ${gateway}`);
  const id = randomBytes(32).toString('hex');
  const options = { ...(req.Options ?? {}) };
  const bridge = options['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`;
  if (bridge.length > 15) throw new InvalidArgument(`bridge name ${bridge} is longer than 15 characters`);
  if (store.list().some((n) => n.Bridge === bridge)) throw new AlreadyExists(`bridge name ${bridge} is already in use by another network`);
  const rec: NetworkRecord = {
    Id: id,
    Name: req.Name,
    Created: new Date().toISOString(),
    Driver: 'bridge',
    Internal: req.Internal ?? false,
    Attachable: req.Attachable ?? false,
    Subnet: formatCidr(subnet),
    Gateway: gateway,
    Bridge: bridge,
    Options: options,
    Labels: { ...(req.Labels ?? {}) },
    Predefined: false,
  };
  await store.save(rec);
  try {
    await ctx.networks.driver.ensureBridge({ bridge, subnet: rec.Subnet!, gateway, internal: rec.Internal });
    await ctx.networks.dns.listen(gateway);
    await syncFirewall(ctx);
  } catch (err) {
    await store.delete(id);
    await ctx.networks.dns.close(gateway);
    await ctx.networks.driver.removeBridge(bridge).catch(() => undefined);
    await syncFirewall(ctx).catch(() => undefined);
    throw err;
  }
  ctx.eventBus.publish('network', 'create', id, { name: rec.Name, type: 'bridge' });
  return { Id: id, Warning: '' };
}
