import { randomBytes } from 'node:crypto';
import { InvalidArgument } from '../../core/errors.js';
import { formatCidr, intToIp, ipToInt, parseCidr } from '../../core/ipv4.js';
import type { DaemonContext } from '../context.js';
import { DEFAULT_NETWORK, type NetworkRecord } from './network-record.js';

function newRecord(name: string, driver: NetworkRecord['Driver'], extra: Partial<NetworkRecord> = {}): NetworkRecord {
  return { Id: randomBytes(32).toString('hex'), Name: name, Created: new Date().toISOString(), Driver: driver, Internal: false, Attachable: false, Options: {}, Labels: {}, Predefined: true, ...extra };
}

/**
 * Docker's three predefined networks: `bridge` (the default, on berthd's bridge
 * and `bip`), `host` and `none`. Made once and kept, so their IDs are stable;
 * the default bridge follows a changed `--bridge`/`--bip` at the next start.
 */
export async function ensurePredefinedNetworks(ctx: DaemonContext): Promise<void> {
  const { store, bip, defaultBridge } = ctx.networks;
  const m = /^([\d.]+)\/(\d+)$/.exec(bip);
  if (!m) throw new InvalidArgument(`invalid bip: ${bip} (expected an address with a prefix, like 10.89.0.1/16)`);
  const subnet = formatCidr(parseCidr(bip));
  const gateway = m[1]!;
  if (ipToInt(gateway) === parseCidr(bip).base) throw new InvalidArgument(`invalid bip: ${bip}: the address must be a host address (like ${intToIp(parseCidr(bip).base + 1)}/${m[2]})`);
  const options = {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': defaultBridge,
    'com.docker.network.driver.mtu': '1500',
  };
  const cur = store.tryGet(DEFAULT_NETWORK);
  if (!cur) await store.save(newRecord(DEFAULT_NETWORK, 'bridge', { Subnet: subnet, Gateway: gateway, Bridge: defaultBridge, Options: options }));
  else if (cur.Subnet !== subnet || cur.Gateway !== gateway || cur.Bridge !== defaultBridge) {
    await store.save({ ...cur, Subnet: subnet, Gateway: gateway, Bridge: defaultBridge, Options: options });
  }
  if (!store.tryGet('host')) await store.save(newRecord('host', 'host'));
  if (!store.tryGet('none')) await store.save(newRecord('none', 'null'));
}
