import type { Firewall, FirewallState } from '../core/network.js';
import { KeyedMutex } from '../util/mutex.js';
import { CommandError, runTool } from './exec.js';

/** Chain names of one daemon, all derived from its prefix (`BERTH`, or `BERTH-<suffix>` for a test daemon). */
export function chainNames(prefix: string) {
  return {
    dnat: prefix,
    postrouting: `${prefix}-POSTROUTING`,
    forward: `${prefix}-FORWARD`,
    isolation: `${prefix}-ISOLATION`,
  };
}

/** The rules that send traffic into berthd's chains from the built-in ones. */
function jumps(prefix: string): Array<{ table: string; chain: string; rule: string[]; insert: boolean }> {
  const c = chainNames(prefix);
  return [
    { table: 'nat', chain: 'PREROUTING', rule: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat], insert: false },
    { table: 'nat', chain: 'OUTPUT', rule: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', c.dnat], insert: false },
    { table: 'nat', chain: 'POSTROUTING', rule: ['-j', c.postrouting], insert: false },
    // First in FORWARD: a peer dockerd sets the policy to DROP.
    { table: 'filter', chain: 'FORWARD', rule: ['-j', c.forward], insert: true },
  ];
}

/** The nat and filter tables' text for iptables-restore: declaring a chain with --noflush empties it first. */
export function renderRules(prefix: string, state: FirewallState): { nat: string; filter: string } {
  const c = chainNames(prefix);
  const nat = ['*nat', `:${c.dnat} - [0:0]`, `:${c.postrouting} - [0:0]`];
  for (const p of state.ports) {
    const dst = p.hostIp && p.hostIp !== '0.0.0.0' ? `-d ${p.hostIp}/32 ` : '';
    nat.push(`-A ${c.dnat} ${dst}-p ${p.proto} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${p.containerIp}:${p.containerPort}`);
  }
  for (const n of state.networks) {
    if (!n.internal) nat.push(`-A ${c.postrouting} -s ${n.subnet} ! -o ${n.bridge} -j MASQUERADE`);
    // The host reaching a published port from 127.0.0.1 or its own address: the container must answer the bridge.
    nat.push(`-A ${c.postrouting} -o ${n.bridge} -m addrtype --src-type LOCAL -j MASQUERADE`);
    // Hairpin: a container reaching a published port of its own network through a host address.
    nat.push(`-A ${c.postrouting} -s ${n.subnet} -o ${n.bridge} -m conntrack --ctstate DNAT -j MASQUERADE`);
  }
  nat.push('COMMIT', '');

  const filter = ['*filter', `:${c.forward} - [0:0]`, `:${c.isolation} - [0:0]`];
  for (const n of state.networks) {
    // Published ports are reachable from everywhere, other networks included, as with Docker.
    filter.push(`-A ${c.forward} -o ${n.bridge} -m conntrack --ctstate DNAT -j ACCEPT`);
  }
  filter.push(`-A ${c.forward} -j ${c.isolation}`);
  for (const n of state.networks) {
    filter.push(`-A ${c.forward} -i ${n.bridge} -o ${n.bridge} -j ACCEPT`);
    if (n.internal) {
      filter.push(`-A ${c.forward} -i ${n.bridge} ! -o ${n.bridge} -j DROP`);
      filter.push(`-A ${c.forward} -o ${n.bridge} ! -i ${n.bridge} -j DROP`);
    } else {
      filter.push(`-A ${c.forward} -o ${n.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
      filter.push(`-A ${c.forward} -i ${n.bridge} ! -o ${n.bridge} -j ACCEPT`);
    }
  }
  // Docker's DOCKER-ISOLATION: nothing goes from one of berthd's bridges to another.
  for (const a of state.networks) {
    for (const b of state.networks) if (a.bridge !== b.bridge) filter.push(`-A ${c.isolation} -i ${a.bridge} -o ${b.bridge} -j DROP`);
  }
  filter.push('COMMIT', '');
  return { nat: nat.join('\n'), filter: filter.join('\n') };
}

async function restore(text: string): Promise<void> {
  // nftables refuses a transaction that raced another writer (other daemons share the tables): retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await runTool('iptables-restore', ['-w', '--noflush'], text);
      return;
    } catch (err) {
      if (attempt >= 4) throw err;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}

/**
 * iptables (nf_tables backend) with every rule in berthd's own chains. Each sync
 * rewrites the chains whole from berthd's records, so a rule of a removed
 * container or network cannot survive a sync, and start-up after a crash rebuilds
 * exactly what the records need.
 */
export class IptablesFirewall implements Firewall {
  readonly #prefix: string;
  readonly #lock = new KeyedMutex();
  #jumpsReady = false;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  sync(state: FirewallState): Promise<void> {
    return this.#lock.run('fw', async () => {
      const rules = renderRules(this.#prefix, state);
      await restore(rules.nat);
      await restore(rules.filter);
      if (!this.#jumpsReady) {
        await ensureJumps(this.#prefix);
        this.#jumpsReady = true;
      }
    });
  }
}

async function ensureJumps(prefix: string): Promise<void> {
  for (const j of jumps(prefix)) {
    const present = await runTool('iptables', ['-w', '-t', j.table, '-C', j.chain, ...j.rule]).then(
      () => true,
      () => false,
    );
    if (!present) await runTool('iptables', ['-w', '-t', j.table, j.insert ? '-I' : '-A', j.chain, ...(j.insert ? ['1'] : []), ...j.rule]);
  }
}

/** Removes a daemon's jumps and chains (test daemons at teardown). Idempotent. */
export async function removeFirewall(prefix: string): Promise<void> {
  for (const j of jumps(prefix)) {
    for (;;) {
      const gone = await runTool('iptables', ['-w', '-t', j.table, '-D', j.chain, ...j.rule]).then(
        () => false,
        () => true,
      );
      if (gone) break;
    }
  }
  const c = chainNames(prefix);
  for (const [table, chain] of [['nat', c.dnat], ['nat', c.postrouting], ['filter', c.forward], ['filter', c.isolation]] as const) {
    await runTool('iptables', ['-w', '-t', table, '-F', chain]).catch(() => undefined);
    await runTool('iptables', ['-w', '-t', table, '-X', chain]).catch((err: unknown) => {
      if (!(err instanceof CommandError)) throw err;
    });
  }
}
