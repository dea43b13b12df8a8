import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidArgument } from '../../core/errors.js';
import { isLogLevel, type LogLevel } from '../../util/logger.js';

/** berthd settings: flags win over the config file (daemon.json-like), which wins over defaults. */
export interface DaemonConfig {
  dataRoot: string;
  execRoot: string;
  hosts: string[];
  logLevel: LogLevel;
  insecureRegistries: string[];
  registryMirrors: string[];
  /** Docker's `max-download-attempts`: tries per layer of a pull whose transfer breaks. */
  maxDownloadAttempts: number;
  logOpts: Record<string, string>;
  /** Docker's `init`: every container gets `--init` unless it says otherwise. */
  init: boolean;
  /** Docker's `init-path`: the init binary mounted at /sbin/docker-init (static: it runs in any image). */
  initPath: string;
  /** Linux bridge of the default `bridge` network. */
  bridge: string;
  /** The default bridge's address with prefix (Docker's `bip`). */
  bip: string;
  /** Where user networks take their subnets from. */
  defaultAddressPools: Array<{ base: string; size: number }>;
  /** berthd's iptables chains are named from this (`BERTH`, `BERTH-FORWARD`...). */
  iptablesChainPrefix: string;
}

const FileSchema = z
  .object({
    'data-root': z.string().optional(),
    'exec-root': z.string().optional(),
    hosts: z.array(z.string()).optional(),
    'log-level': z.string().optional(),
    'insecure-registries': z.array(z.string()).optional(),
    'registry-mirrors': z.array(z.string()).optional(),
    'max-download-attempts': z.number().int().min(1).optional(),
    'log-opts': z.record(z.string()).optional(),
    init: z.boolean().optional(),
    'init-path': z.string().optional(),
    bridge: z.string().optional(),
    bip: z.string().optional(),
    'default-address-pools': z.array(z.object({ base: z.string(), size: z.number().int().min(1).max(30) })).optional(),
    'iptables-chain-prefix': z.string().optional(),
  })
  .passthrough();

export const DEFAULTS: DaemonConfig = {
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  hosts: ['unix:///run/berth/berth.sock'],
  logLevel: 'info',
  insecureRegistries: [],
  registryMirrors: [],
  maxDownloadAttempts: 5,
  logOpts: {},
  init: false,
  initPath: '/usr/bin/tini-static',
  bridge: 'berth0',
  // Not Docker's 172.17.0.0/16, so both engines can run side by side; Podman's default is 10.88.0.0/16.
  bip: '10.89.0.1/16',
  defaultAddressPools: [{ base: '10.90.0.0/15', size: 24 }],
  iptablesChainPrefix: 'BERTH',
};

export async function readConfigFile(path: string): Promise<Partial<DaemonConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InvalidArgument(`unable to read config file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgument(`invalid JSON in config file ${path}: ${(err as Error).message}`);
  }
  const parsed = FileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgument(`invalid config file ${path}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const f = parsed.data;
  const out: Partial<DaemonConfig> = {};
  if (f['data-root']) out.dataRoot = f['data-root'];
  if (f['exec-root']) out.execRoot = f['exec-root'];
  if (f.hosts) out.hosts = f.hosts;
  if (f['log-level']) out.logLevel = checkLevel(f['log-level']);
  if (f['insecure-registries']) out.insecureRegistries = f['insecure-registries'];
  if (f['registry-mirrors']) out.registryMirrors = f['registry-mirrors'];
  if (f['max-download-attempts'] !== undefined) out.maxDownloadAttempts = f['max-download-attempts'];
  if (f['log-opts']) out.logOpts = f['log-opts'];
  if (f.init !== undefined) out.init = f.init;
  if (f['init-path']) out.initPath = f['init-path'];
  if (f.bridge) out.bridge = checkBridgeName(f.bridge);
  if (f.bip) out.bip = f.bip;
  if (f['default-address-pools']) out.defaultAddressPools = f['default-address-pools'];
  if (f['iptables-chain-prefix']) out.iptablesChainPrefix = checkChainPrefix(f['iptables-chain-prefix']);
  return out;
}

export function checkLevel(s: string): LogLevel {
  if (!isLogLevel(s)) throw new InvalidArgument(`unable to parse logging level: ${s}`);
  return s;
}

export function checkBridgeName(s: string): string {
  if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(s)) throw new InvalidArgument(`invalid bridge name: ${s} (1 to 15 letters, digits, '_', '.', '-')`);
  return s;
}

/** Chain names get `-POSTROUTING` appended and must stay within iptables' 28 characters. */
export function checkChainPrefix(s: string): string {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(s)) throw new InvalidArgument(`invalid iptables chain prefix: ${s} (1 to 16 letters, digits, '_', '-')`);
  return s;
}

/** `--default-address-pool base=10.90.0.0/15,size=24`, Docker's flag syntax. */
export function parseAddressPool(s: string): { base: string; size: number } {
  const kv = Object.fromEntries(s.split(',').map((p) => p.split('=') as [string, string]));
  const size = Number(kv.size);
  if (!kv.base || !/^[\d.]+\/\d+$/.test(kv.base) || !Number.isInteger(size) || size < 1 || size > 30) {
    throw new InvalidArgument(`invalid default address pool: ${s} (expected base=<cidr>,size=<prefix length>)`);
  }
  return { base: kv.base, size };
}

/** `--max-download-attempts 3`: a whole number of at least 1, as dockerd requires. */
export function parseAttempts(s: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s.trim()) || !Number.isInteger(n) || n < 1) throw new InvalidArgument(`invalid max download attempts: ${s} (a whole number, at least 1)`);
  return n;
}
