import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic.js';

export interface EtcFiles {
  hostname: string;
  hosts: string;
  resolvConf: string;
}

/**
 * Writes the container's /etc/hostname, /etc/hosts and /etc/resolv.conf into its
 * directory (they are bind-mounted into the rootfs), as Docker does. Without a
 * network of its own the container gets the host's resolvers minus loopback ones.
 */
export async function writeEtcFiles(dir: string, hostname: string, extraHosts: readonly string[], network: string): Promise<EtcFiles> {
  const files = { hostname: join(dir, 'hostname'), hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf') };
  await writeFileAtomic(files.hostname, `${hostname}\n`);
  let hosts = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff00::1\tip6-allnodes\nff00::2\tip6-allrouters\n';
  for (const h of extraHosts) {
    const idx = h.lastIndexOf(':');
    if (idx > 0) hosts += `${h.slice(idx + 1)}\t${h.slice(0, idx)}\n`;
  }
  if (network === 'host') {
    hosts = await readFile('/etc/hosts', 'utf8').catch(() => hosts);
  }
  await writeFileAtomic(files.hosts, hosts);
  let resolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  if (network !== 'host') {
    resolv = resolv
      .split('\n')
      .filter((l) => !/^\s*nameserver\s+(127\.|::1)/.test(l))
      .join('\n');
  }
  await writeFileAtomic(files.resolvConf, resolv.endsWith('\n') || resolv === '' ? resolv : resolv + '\n');
  return files;
}
