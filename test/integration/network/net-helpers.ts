import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Daemon } from '../../helpers/berthd.js';

export { curl, freePort } from '../../helpers/net.js';

const run = promisify(execFile);

/** The host's own non-loopback IPv4 address (not one of the test bridges). */
export function hostAddress(): string {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (name === 'lo' || name.startsWith('bt') || name.startsWith('br-') || name.startsWith('docker') || name.startsWith('berth')) continue;
    const a = addrs?.find((x) => x.family === 'IPv4' && !x.internal);
    if (a) return a.address;
  }
  throw new Error('no host address');
}

/** What a daemon holds on the host: veths on its bridges, netns files and mounts, firewall rules, allocated addresses. */
export async function hostFootprint(d: Daemon): Promise<{ veths: number; netns: number; nsMounts: number; rules: number; addresses: number; bridges: string[] }> {
  const records = await readFile(join(d.dataRoot, 'network/networks.json'), 'utf8').then(
    (t) => JSON.parse(t) as Array<{ Bridge?: string }>,
    () => [],
  );
  const bridges = records.map((r) => r.Bridge).filter((b): b is string => !!b);
  let veths = 0;
  for (const b of bridges) veths += (await readdir(`/sys/class/net/${b}/brif`).catch(() => [])).length;
  const netns = (await readdir(join(d.execRoot, 'netns')).catch(() => [])).length;
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const nsMounts = mountinfo.split('\n').filter((l) => l.includes(` ${d.root}/`) && l.includes(' - nsfs ')).length;
  const p = d.network.chainPrefix;
  let rules = 0;
  for (const [table, chain] of [['nat', p], ['nat', `${p}-POSTROUTING`], ['filter', `${p}-FORWARD`], ['filter', `${p}-ISOLATION`]]) {
    const out = await run('iptables', ['-w', '-t', table!, '-S', chain!]).then((r) => r.stdout, () => '');
    rules += out.split('\n').filter((l) => l.startsWith('-A ')).length;
  }
  const ipam = await readFile(join(d.dataRoot, 'network/ipam.json'), 'utf8').then(
    (t) => JSON.parse(t) as Record<string, { allocated: Record<string, string> }>,
    () => ({}) as Record<string, { allocated: Record<string, string> }>,
  );
  const addresses = Object.values(ipam).reduce((n, p) => n + Object.keys(p.allocated).length, 0);
  return { veths, netns, nsMounts, rules, addresses, bridges };
}

/** Published-port DNAT rules of a daemon. */
export async function dnatRules(d: Daemon): Promise<string[]> {
  const out = await run('iptables', ['-w', '-t', 'nat', '-S', d.network.chainPrefix]).then((r) => r.stdout, () => '');
  return out.split('\n').filter((l) => l.includes('DNAT'));
}
