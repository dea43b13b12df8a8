import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FailedPrecondition, messageOf } from '../../core/errors.js';
import { macFor, parseCidr } from '../../core/ipv4.js';
import type { ContainerNetworkSettings, ContainerRecord } from '../containers/container-record.js';
import type { PortMap } from '../../core/wire/networks.js';
import type { DaemonContext } from '../context.js';
import { embeddedDnsNetwork } from './container-etc.js';
import { syncFirewall } from './firewall-state.js';
import { networkKind } from './network-mode.js';
import { isUserBridge } from './network-record.js';
import { publishPorts, unpublishPorts } from './publish-ports.js';

/** Host side of a container's veth on a network: stable, so start-up can tell whose it is (15 chars max). */
export function hostIfName(containerId: string, networkId: string): string {
  return `vb${createHash('sha256').update(`${containerId}/${networkId}`).digest('hex').slice(0, 12)}`;
}

export function sandboxPath(ctx: DaemonContext, containerId: string): string {
  return join(ctx.networks.sandboxDir, containerId);
}

/** The network published ports and the default route go through: the mode's network, else the first one left. */
export function primaryNetwork(c: ContainerRecord): string | undefined {
  const names = Object.keys(c.NetworkSettings?.Networks ?? {});
  const k = networkKind(c.HostConfig.NetworkMode);
  if (k.kind === 'bridge' && names.includes(k.network)) return k.network;
  return names[0];
}

function settingsOf(c: ContainerRecord): ContainerNetworkSettings {
  return (c.NetworkSettings ??= { Networks: {}, Ports: {}, SandboxKey: '', Interfaces: {} });
}

function freeIfname(s: ContainerNetworkSettings): string {
  const used = new Set(Object.values(s.Interfaces));
  for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
}

/**
 * Gives a running (or starting) container an interface on network `name`:
 * address from IPAM (persisted first, so a crash cannot hand it out twice),
 * veth pair, and the endpoint fields Docker reports. The caller saves the record.
 */
export async function attachEndpoint(ctx: DaemonContext, c: ContainerRecord, name: string, isDefaultRoute: boolean, servesDns = false): Promise<void> {
  const s = settingsOf(c);
  const ep = s.Networks[name]!;
  const net = ctx.networks.store.get(ep.NetworkID || name);
  if (net.Driver !== 'bridge' || !net.Subnet || !net.Gateway || !net.Bridge) return;
  await ctx.networks.driver.ensureBridge({ bridge: net.Bridge, subnet: net.Subnet, gateway: net.Gateway, internal: net.Internal });
  const ip = await ctx.networks.ipam.allocate(net.Id, net.Subnet, net.Gateway, c.Id, ep.IPAMConfig?.IPv4Address || undefined);
  const prefix = parseCidr(net.Subnet).prefix;
  const mac = ep.MacAddress || macFor(ip);
  const ifname = s.Interfaces[name] ?? freeIfname(s);
  s.Interfaces[name] = ifname;
  try {
    await ctx.networks.driver.attach({
      sandbox: s.SandboxKey,
      ifname,
      hostIf: hostIfName(c.Id, net.Id),
      bridge: net.Bridge,
      address: `${ip}/${prefix}`,
      mac,
      defaultGateway: isDefaultRoute && !net.Internal ? net.Gateway : undefined,
      ...(servesDns ? { dnsServer: net.Gateway } : {}),
    });
  } catch (err) {
    await ctx.networks.ipam.release(net.Id, ip);
    delete s.Interfaces[name];
    throw err;
  }
  const short = c.Id.slice(0, 12);
  s.Networks[name] = {
    ...ep,
    NetworkID: net.Id,
    EndpointID: randomBytes(32).toString('hex'),
    Gateway: net.Gateway,
    IPAddress: ip,
    IPPrefixLen: prefix,
    MacAddress: mac,
    DNSNames: isUserBridge(net) ? [c.Name.slice(1), ...(ep.Aliases ?? []).filter((a) => a !== c.Name.slice(1) && a !== short), short] : null,
  };
}

/** Takes a container's interface off network `name`; the endpoint's configuration stays. Idempotent. */
export async function detachEndpoint(ctx: DaemonContext, c: ContainerRecord, name: string): Promise<void> {
  const s = settingsOf(c);
  const ep = s.Networks[name];
  if (!ep) return;
  const net = ep.NetworkID ? ctx.networks.store.tryGet(ep.NetworkID) : undefined;
  if (net) {
    await ctx.networks.driver.detach(hostIfName(c.Id, net.Id));
    if (ep.IPAddress) await ctx.networks.ipam.release(net.Id, ep.IPAddress);
  }
  delete s.Interfaces[name];
  // A MAC the user asked for stays; one derived from the address goes with it.
  const askedMac = ep.MacAddress && (!ep.IPAddress || ep.MacAddress !== macFor(ep.IPAddress)) ? ep.MacAddress : '';
  s.Networks[name] = { ...ep, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: askedMac, DNSNames: null };
}

/**
 * Sets a container's networking up before runc runs and returns what the OCI
 * spec's network namespace must be: `none`, `host`, or a namespace path. For the
 * bridge and user networks that is a namespace file of berthd's with one veth per
 * network and the published ports bound and forwarded.
 */
export async function setupNetworking(ctx: DaemonContext, c: ContainerRecord): Promise<string> {
  const k = networkKind(c.HostConfig.NetworkMode);
  if (k.kind === 'none' || k.kind === 'host') return k.kind;
  if (k.kind === 'container') {
    const other = ctx.containers.store.get(k.ref);
    if (!other.State.Running) throw new FailedPrecondition(`cannot join network namespace of a non running container: ${other.Id}`);
    return other.NetworkSettings?.SandboxKey || `/proc/${other.State.Pid}/ns/net`;
  }
  const s = settingsOf(c);
  s.SandboxKey = sandboxPath(ctx, c.Id);
  try {
    const primary = primaryNetwork(c);
    // The first attach makes the namespace in the same process; createSandbox then only covers having no network.
    const dnsNet = embeddedDnsNetwork(ctx, c);
    for (const name of Object.keys(s.Networks)) await attachEndpoint(ctx, c, name, name === primary, name === dnsNet);
    await ctx.networks.driver.createSandbox(s.SandboxKey);
    const ep = primary ? s.Networks[primary] : undefined;
    s.Ports = ep?.IPAddress ? await publishPorts(ctx, c, ep.IPAddress, ep.EndpointID ?? '') : {};
    // Rules depend on networks (synced when they change) and published ports: only these need a sync here.
    // Without ports nothing needs the record on disk yet (the start saves it once running; a crash before
    // that leaves a stopped record, whose addresses, namespace and veths restart reconciliation removes).
    if (hasBindings(s.Ports)) {
      await ctx.containers.store.save(c);
      await syncFirewall(ctx);
    }
  } catch (err) {
    await teardownNetworking(ctx, c).catch((e: unknown) => ctx.logger.warn('undoing network set-up failed', { id: c.Id, error: messageOf(e) }));
    throw err;
  }
  return s.SandboxKey;
}

/**
 * Undoes setupNetworking once the container stopped: ports, veths, addresses,
 * namespace, firewall rules. Idempotent; the caller saves the record.
 */
export async function teardownNetworking(ctx: DaemonContext, c: ContainerRecord): Promise<void> {
  const s = c.NetworkSettings;
  if (!s) return;
  const hadPorts = hasBindings(s.Ports);
  await unpublishPorts(ctx, s.Ports);
  s.Ports = {};
  for (const name of Object.keys(s.Networks)) await detachEndpoint(ctx, c, name);
  await ctx.networks.driver.removeSandbox(sandboxPath(ctx, c.Id));
  s.SandboxKey = '';
  if (hadPorts) await syncFirewall(ctx);
}

function hasBindings(ports: PortMap): boolean {
  return Object.values(ports).some((list) => list?.some((b) => b.HostPort));
}
