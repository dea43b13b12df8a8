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
  logOpts: Record<string, string>;
  /** Docker's `init`: every container gets `--init` unless it says otherwise. */
  init: boolean;
  /** Docker's `init-path`: the init binary mounted at /sbin/docker-init (static: it runs in any image). */
  initPath: string;
}

const FileSchema = z
  .object({
    'data-root': z.string().optional(),
    'exec-root': z.string().optional(),
    hosts: z.array(z.string()).optional(),
    'log-level': z.string().optional(),
    'insecure-registries': z.array(z.string()).optional(),
    'registry-mirrors': z.array(z.string()).optional(),
    'log-opts': z.record(z.string()).optional(),
    init: z.boolean().optional(),
    'init-path': z.string().optional(),
  })
  .passthrough();

export const DEFAULTS: DaemonConfig = {
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  hosts: ['unix:///run/berth/berth.sock'],
  logLevel: 'info',
  insecureRegistries: [],
  registryMirrors: [],
  logOpts: {},
  init: false,
  initPath: '/usr/bin/tini-static',
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
  if (f['log-opts']) out.logOpts = f['log-opts'];
  if (f.init !== undefined) out.init = f.init;
  if (f['init-path']) out.initPath = f['init-path'];
  return out;
}

export function checkLevel(s: string): LogLevel {
  if (!isLogLevel(s)) throw new InvalidArgument(`unable to parse logging level: ${s}`);
  return s;
}
