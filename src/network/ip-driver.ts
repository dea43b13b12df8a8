import { access, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DOCKER_DNS, type BridgeNetwork, type EndpointLink, type NetworkDriver } from '../core/network.js';
import { type BridgeState, bridgeFixes, flagsSayUp, parseBridgeState } from './bridge-state.js';
import { runTool } from './exec.js';
import { parseCidr } from '../core/ipv4.js';

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** An empty file for unshare(1) to bind the new namespace on. */
async function prepareNsFile(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '');
}

async function sysfsUp(dev: string): Promise<boolean> {
  return readFile(`/sys/class/net/${dev}/flags`, 'utf8').then(flagsSayUp, () => false);
}

/** The bridge's state from ip(8), or undefined when there is no such device. */
async function bridgeState(dev: string): Promise<BridgeState | undefined> {
  if (!(await exists(`/sys/class/net/${dev}`))) return undefined;
  return runTool('ip', ['-j', '-4', 'addr', 'show', 'dev', dev]).then(parseBridgeState, async (err: unknown) => {
    if (!(await exists(`/sys/class/net/${dev}`))) return undefined;
    throw err;
  });
}

async function isNsfsMount(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((l) => {
    const f = l.split(' ');
    return f[4] === path && l.includes(' - nsfs ');
  });
}

/**
 * Bridges, veth pairs and network namespaces through iproute2, util-linux
 * `unshare` and `nsenter`. A container's namespace is pinned by a bind mount of
 * its nsfs handle on a file under the exec root (what `ip netns add` does under
 * /run/netns), so it exists before runc runs and outlives berthd restarts. The
 * bind mount is a namespace handle rather than a file system, which is why this
 * room, and not `mount/`, makes and removes it.
 */
export class IpNetworkDriver implements NetworkDriver {
  /**
   * Bridges found (or made) up with their address during this daemon run, bridge ->
   * `gateway/prefix`. Container start checks only that the bridge is still there and
   * up (sysfs, no process); the full check runs again when that fails, when an
   * attach to it fails, or for another address.
   */
  private readonly readyBridges = new Map<string, string>();

  async ensureBridge(n: BridgeNetwork): Promise<void> {
    const address = `${n.gateway}/${parseCidr(n.subnet).prefix}`;
    if (this.readyBridges.get(n.bridge) === address && (await sysfsUp(n.bridge))) return;
    this.readyBridges.delete(n.bridge);
    const fixes = bridgeFixes(n.bridge, address, await bridgeState(n.bridge));
    if (fixes.length) {
      await runTool('ip', ['-batch', '-'], fixes.join('\n') + '\n').catch(async (err: unknown) => {
        // Another daemon (or a concurrent call) may have made it meanwhile: only the end state counts.
        if (bridgeFixes(n.bridge, address, await bridgeState(n.bridge)).length) throw err;
      });
    }
    // Published ports on 127.0.0.1 are DNATed to the bridge: the kernel drops loopback
    // sources on other interfaces unless route_localnet allows them (they are then masqueraded).
    await writeFile(`/proc/sys/net/ipv4/conf/${n.bridge}/route_localnet`, '1');
    await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
    this.readyBridges.set(n.bridge, address);
  }

  async removeBridge(bridge: string): Promise<void> {
    this.readyBridges.delete(bridge);
    if (!(await exists(`/sys/class/net/${bridge}`))) return;
    await runTool('ip', ['link', 'del', bridge]).catch(async (err: unknown) => {
      if (await exists(`/sys/class/net/${bridge}`)) throw err;
    });
  }

  async createSandbox(path: string): Promise<void> {
    if (await isNsfsMount(path)) return;
    await prepareNsFile(path);
    await runTool('unshare', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
  }

  async removeSandbox(path: string): Promise<void> {
    if (await isNsfsMount(path)) {
      await runTool('umount', [path]).catch(() => runTool('umount', ['-l', path]));
    }
    await rm(path, { force: true });
  }

  async listSandboxes(dir: string): Promise<string[]> {
    const names = await readdir(dir).catch(() => [] as string[]);
    return names.filter((n) => !n.startsWith('.')).map((n) => join(dir, n));
  }

  async attach(l: EndpointLink): Promise<void> {
    // The pair is made inside the namespace and its peer pushed to berthd's: no
    // moment where the container-side name could clash with a host interface.
    const inside = [
      'link set lo up',
      `link add ${l.ifname} type veth peer name ${l.hostIf} netns ${process.pid}`,
      `link set ${l.ifname} address ${l.mac}`,
      `addr add ${l.address} dev ${l.ifname}`,
      `link set ${l.ifname} up`,
    ];
    if (l.defaultGateway) inside.push(`route add default via ${l.defaultGateway} dev ${l.ifname}`);
    // The first interface makes the namespace in the same process (unshare pins it, then runs ip in it).
    const enter = (await isNsfsMount(l.sandbox)) ? 'nsenter' : 'unshare';
    if (enter === 'unshare') await prepareNsFile(l.sandbox);
    const ns = [`--net=${l.sandbox}`];
    const batch = inside.join('\n') + '\n';
    // One process for both: a spawn from berthd costs more than the rules.
    if (l.dnsServer) await runTool(enter, [...ns, 'sh', '-c', `ip -batch - && ${dnsRedirectScript(l.dnsServer, l.address.split('/')[0]!)}`], batch);
    else await runTool(enter, [...ns, 'ip', '-batch', '-'], batch);
    try {
      await runTool('ip', ['link', 'set', l.hostIf, 'master', l.bridge, 'up']);
    } catch (err) {
      // Perhaps the bridge went away behind our back: the next ensureBridge checks it in full.
      this.readyBridges.delete(l.bridge);
      await this.detach(l.hostIf);
      throw err;
    }
  }

  async detach(hostIf: string): Promise<void> {
    if (!(await exists(`/sys/class/net/${hostIf}`))) return;
    await runTool('ip', ['link', 'del', hostIf]).catch(async (err: unknown) => {
      if (await exists(`/sys/class/net/${hostIf}`)) throw err;
    });
  }

  async bridgePorts(bridge: string): Promise<string[]> {
    return readdir(`/sys/class/net/${bridge}/brif`).catch(() => [] as string[]);
  }

  async links(): Promise<string[]> {
    return readdir('/sys/class/net');
  }

  async routes(): Promise<string[]> {
    const text = await readFile('/proc/net/route', 'utf8');
    const out: string[] = [];
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 8) continue;
      // Little-endian hex: 0059A80A is 10.168.89.0.
      const dst = Buffer.from(f[1]!, 'hex').reverse();
      const mask = Buffer.from(f[7]!, 'hex').readUInt32LE(0);
      const prefix = mask.toString(2).replace(/0/g, '').length;
      if (prefix === 0) continue;
      out.push(`${[...dst].join('.')}/${prefix}`);
    }
    return out;
  }
}

/**
 * Shell that sends DNS for Docker's 127.0.0.11 to `server`. Queries leave from 127.0.0.1:
 * route_localnet lets them out of (and their answers back into) the namespace once SNAT gave
 * them the container's `address`; conntrack maps the answers back to 127.0.0.11.
 */
function dnsRedirectScript(server: string, address: string): string {
  const rules = ['*nat'];
  for (const proto of ['udp', 'tcp']) {
    rules.push(`-A OUTPUT -d ${DOCKER_DNS}/32 -p ${proto} --dport 53 -j DNAT --to-destination ${server}:53`);
    rules.push(`-A POSTROUTING -s 127.0.0.0/8 -d ${server}/32 -p ${proto} --dport 53 -j SNAT --to-source ${address}`);
  }
  rules.push('COMMIT');
  return `echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet && iptables-restore --noflush <<'BERTH_RULES'\n${rules.join('\n')}\nBERTH_RULES\n`;
}
