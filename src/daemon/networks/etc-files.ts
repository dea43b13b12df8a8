import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';
import { writeFileAtomic } from '../../util/atomic.js';

export interface EtcFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

export interface EtcInput {
  /** The container's directory: the files are written here and bind-mounted into the rootfs. */
  dir: string;
  hostname: string;
  domainname?: string;
  /** `host`: the host's files as a base; `embedded`: berthd's DNS at `embeddedDns`. */
  kind: 'none' | 'host' | 'bridge';
  /** `--add-host name:ip` (or `name=ip`); `host-gateway` stands for `hostGateway`. */
  extraHosts: readonly string[];
  hostGateway: string;
  /** The container's own addresses, written with its hostname as Docker does. */
  selfAddresses: readonly string[];
  /** berthd's DNS server for user networks (the network's gateway). */
  embeddedDns?: string;
  dns: readonly string[];
  dnsSearch: readonly string[];
  dnsOptions: readonly string[];
  hostResolvConf: string;
}

const DEFAULT_HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff00::1\tip6-allnodes\nff00::2\tip6-allrouters\n';

/** `name:ip` or `name=ip` (IPv6 addresses keep their colons). */
export function parseExtraHost(h: string, hostGateway: string): { name: string; ip: string } {
  const eq = h.indexOf('=');
  const cut = eq > 0 ? eq : h.indexOf(':');
  if (cut <= 0) throw new InvalidArgument(`bad format for add-host: "${h}"`);
  const name = h.slice(0, cut);
  let ip = h.slice(cut + 1).replace(/^\[(.*)\]$/, '$1');
  if (ip === 'host-gateway') ip = hostGateway;
  if (!/^[\d.]+$/.test(ip) && !ip.includes(':')) throw new InvalidArgument(`invalid IP address in add-host: "${ip}"`);
  return { name, ip };
}

interface Resolv {
  nameservers: string[];
  search: string[];
  options: string[];
}

export function parseResolvConf(text: string): Resolv {
  const r: Resolv = { nameservers: [], search: [], options: [] };
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) r.nameservers.push(f[1]);
    else if ((f[0] === 'search' || f[0] === 'domain') && f.length > 1) r.search = f.slice(1);
    else if (f[0] === 'options') r.options.push(...f.slice(1));
  }
  return r;
}

function renderResolv(r: Resolv): string {
  let out = '';
  for (const ns of r.nameservers) out += `nameserver ${ns}\n`;
  if (r.search.length) out += `search ${r.search.join(' ')}\n`;
  if (r.options.length) out += `options ${r.options.join(' ')}\n`;
  return out;
}

/** Resolvers a container on the default bridge gets: the host's, minus loopback ones (Google's when none is left, as Docker). */
export function bridgeResolvers(hostResolv: string): string[] {
  const ns = parseResolvConf(hostResolv).nameservers.filter((n) => !/^127\./.test(n) && n !== '::1');
  return ns.length ? ns : ['8.8.8.8', '8.8.4.4'];
}

/**
 * Writes the container's /etc/hostname, /etc/hosts and /etc/resolv.conf into its
 * directory, as Docker does: the hosts file lists the container's own addresses
 * and --add-host entries; resolv.conf names berthd's DNS on user networks, the
 * host's resolvers otherwise, with --dns, --dns-search and --dns-option applied.
 */
export async function writeEtcFiles(input: EtcInput): Promise<EtcFiles> {
  const { dir } = input;
  const files = { hostname: join(dir, 'hostname'), hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf') };

  let hosts = DEFAULT_HOSTS;
  if (input.kind === 'host') {
    hosts = await readFile('/etc/hosts', 'utf8').catch(() => DEFAULT_HOSTS);
    if (!hosts.endsWith('\n')) hosts += '\n';
  }
  for (const h of input.extraHosts) {
    const { name, ip } = parseExtraHost(h, input.hostGateway);
    hosts += `${ip}\t${name}\n`;
  }
  const names = input.domainname ? `${input.hostname}.${input.domainname}\t${input.hostname}` : input.hostname;
  for (const ip of input.selfAddresses) hosts += `${ip}\t${names}\n`;

  const host = parseResolvConf(input.hostResolvConf);
  const r: Resolv =
    input.kind === 'host'
      ? host
      : input.embeddedDns
        ? { nameservers: [input.embeddedDns], search: host.search, options: ['ndots:0', ...host.options.filter((o) => !o.startsWith('ndots:'))] }
        : { nameservers: bridgeResolvers(input.hostResolvConf), search: host.search, options: host.options };
  // With berthd's DNS the --dns servers become its upstreams, not the container's nameservers.
  if (input.dns.length && !input.embeddedDns) r.nameservers = [...input.dns];
  if (input.dnsSearch.length) r.search = input.dnsSearch.filter((s) => s !== '.');
  if (input.dnsOptions.length) r.options = [...input.dnsOptions];
  // Rewritten at every start: a crash can leave them stale but never needed, so no fsyncs.
  // Replaced by rename all the same, because a running container may be reading them.
  const transient = { durable: false };
  await Promise.all([
    writeFileAtomic(files.hostname, `${input.hostname}\n`, 0o644, transient),
    writeFileAtomic(files.hosts, hosts, 0o644, transient),
    writeFileAtomic(files.resolvConf, renderResolv(r), 0o644, transient),
  ]);
  return files;
}
