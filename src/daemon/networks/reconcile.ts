import { messageOf } from '../../core/errors.js';
import type { DaemonContext } from '../context.js';
import { hostIfName } from './container-network.js';
import { bridgeOf, syncFirewall } from './firewall-state.js';
import { isUserBridge } from './network-record.js';
import { ensurePredefinedNetworks } from './predefined.js';
import { rebindPorts } from './publish-ports.js';

/**
 * Start-up, after live restore settled which containers still run: makes the
 * host match the records. Bridges and DNS servers of every network come back;
 * running containers get their ports re-reserved and their rules rebuilt;
 * addresses, namespaces and veths no running container owns are removed (what a
 * crash or kill -9 left behind).
 */
export async function reconcileNetworks(ctx: DaemonContext): Promise<void> {
  const { store, driver, ipam, dns } = ctx.networks;
  await ensurePredefinedNetworks(ctx);
  const warn = (what: string) => (err: unknown) => ctx.logger.warn(what, { error: messageOf(err) });
  for (const n of store.list()) {
    if (n.Driver !== 'bridge' || !n.Bridge) continue;
    await driver.ensureBridge(bridgeOf(n)).catch(warn(`re-creating bridge ${n.Bridge} failed`));
    if (isUserBridge(n)) await dns.listen(n.Gateway!).catch(warn(`DNS server on ${n.Gateway} failed`));
  }
  const running = ctx.containers.store.list().filter((c) => c.State.Running && c.NetworkSettings?.SandboxKey);
  const sandboxes = new Set(running.map((c) => c.NetworkSettings!.SandboxKey));
  const ifaces = new Set<string>();
  const owned = new Set<string>();
  for (const c of running) {
    for (const ep of Object.values(c.NetworkSettings!.Networks)) {
      if (!ep.IPAddress || !ep.NetworkID) continue;
      ifaces.add(hostIfName(c.Id, ep.NetworkID));
      owned.add(`${ep.NetworkID}/${ep.IPAddress}/${c.Id}`);
    }
    await rebindPorts(ctx, c.NetworkSettings!.Ports);
  }
  // Containers that are not running hold nothing (a crash between set-up and start, or an exit berthd missed).
  for (const c of ctx.containers.store.list()) {
    if (c.State.Running || !c.NetworkSettings) continue;
    const s = c.NetworkSettings;
    if (s.SandboxKey || Object.values(s.Networks).some((e) => e.IPAddress)) {
      for (const [name, ep] of Object.entries(s.Networks)) s.Networks[name] = { ...ep, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, DNSNames: null };
      s.SandboxKey = '';
      s.Ports = {};
      s.Interfaces = {};
      await ctx.containers.store.save(c);
    }
  }
  const released = await ipam.retain((net, ip, owner) => owned.has(`${net}/${ip}/${owner}`));
  let removed = 0;
  for (const path of await driver.listSandboxes(ctx.networks.sandboxDir)) {
    if (sandboxes.has(path)) continue;
    await driver.removeSandbox(path).catch(warn(`removing namespace ${path} failed`));
    removed++;
  }
  for (const n of store.list()) {
    if (!n.Bridge) continue;
    for (const port of await driver.bridgePorts(n.Bridge)) {
      if (ifaces.has(port) || !port.startsWith('vb')) continue;
      await driver.detach(port).catch(warn(`removing veth ${port} failed`));
      removed++;
    }
  }
  await syncFirewall(ctx);
  if (released || removed) ctx.logger.info('removed network leftovers', { addresses: released, interfaces: removed });
}
