import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ContainerCreateBody, HealthConfig, HostConfig, RestartPolicy } from '../../../core/wire/containers.js';
import { parseGoDuration } from '../../../core/go-duration.js';
import { collect, keyValueMap } from '../../options.js';
import { parseMountFlag, splitVolumeFlags } from './mount-flags.js';
import type { EndpointSettings, PortMap } from '../../../core/wire/networks.js';
import { parseExpose, parsePublish } from './publish-flags.js';

export interface CreateFlags {
  name?: string;
  env?: string[];
  envFile?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  entrypoint?: string;
  label?: string[];
  restart?: string;
  init?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  memory?: string;
  memorySwap?: string;
  cpus?: string;
  cpuShares?: string;
  cpusetCpus?: string;
  pidsLimit?: string;
  ulimit?: string[];
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  readOnly?: boolean;
  securityOpt?: string[];
  tmpfs?: string[];
  network?: string;
  addHost?: string[];
  logOpt?: string[];
  logDriver?: string;
  tty?: boolean;
  interactive?: boolean;
  rm?: boolean;
  shmSize?: string;
  sysctl?: string[];
  volume?: string[];
  mount?: string[];
  volumesFrom?: string[];
  publish?: string[];
  publishAll?: boolean;
  expose?: string[];
  networkAlias?: string[];
  ip?: string;
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  macAddress?: string;
  domainname?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  healthcheck?: boolean;
  device?: string[];
  groupAdd?: string[];
  pid?: string;
  ipc?: string;
  oomScoreAdj?: string;
  memoryReservation?: string;
  cpuPeriod?: string;
  cpuQuota?: string;
  uts?: string;
  oomKillDisable?: boolean;
  cgroupParent?: string;
  cpusetMems?: string;
  memorySwappiness?: string;
  labelFile?: string[];
  pull?: string;
  platform?: string;
  cidfile?: string;
  quiet?: boolean;
}

/** The meaningful lines of `--env-file`/`--label-file` files: trimmed, blank lines and `#` comments skipped. */
function fileLines(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new InvalidArgumentError(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t && !t.startsWith('#')) out.push(t);
    }
  }
  return out;
}

/** `--device /dev/x[:/dev/y[:rwm]]`, as the docker CLI parses it. */
function parseDevice(v: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = v.split(':');
  const [host = '', second, third] = parts;
  let container = host;
  let perms = 'rwm';
  if (parts.length > 3 || host === '') throw new InvalidArgumentError(`invalid device specification: ${v}`);
  if (third !== undefined) {
    container = second!;
    perms = third;
  } else if (second !== undefined) {
    if (/^[rwm]{1,3}$/.test(second)) perms = second;
    else container = second;
  }
  if (!/^[rwm]{1,3}$/.test(perms)) throw new InvalidArgumentError(`invalid device mode: ${perms}`);
  if (!container.startsWith('/')) throw new InvalidArgumentError(`${container} is not an absolute path`);
  return { PathOnHost: host, PathInContainer: container, CgroupPermissions: perms };
}

/** `--health-*` and `--no-healthcheck` as the docker CLI turns them into Config.Healthcheck. */
function healthcheckFrom(f: CreateFlags): HealthConfig | undefined {
  const durations: Array<[keyof HealthConfig, string | undefined, string]> = [
    ['Interval', f.healthInterval, '--health-interval'],
    ['Timeout', f.healthTimeout, '--health-timeout'],
    ['StartPeriod', f.healthStartPeriod, '--health-start-period'],
    ['StartInterval', f.healthStartInterval, '--health-start-interval'],
  ];
  const given = f.healthCmd !== undefined || f.healthRetries !== undefined || durations.some(([, v]) => v !== undefined);
  if (f.healthcheck === false) {
    if (given) throw new InvalidArgumentError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!given) return undefined;
  const hc: HealthConfig = { Test: f.healthCmd !== undefined ? ['CMD-SHELL', f.healthCmd] : [] };
  for (const [key, value, flag] of durations) {
    if (value === undefined) continue;
    let ns: number;
    try {
      ns = parseGoDuration(value);
    } catch (err) {
      throw new InvalidArgumentError(`invalid argument "${value}" for "${flag}" flag: ${(err as Error).message}`);
    }
    if (ns < 0) throw new InvalidArgumentError(`${flag} cannot be negative`);
    (hc as Record<string, unknown>)[key] = ns;
  }
  if (f.healthRetries !== undefined) {
    const n = intFlag(f.healthRetries, '--health-retries')!;
    if (n < 0) throw new InvalidArgumentError('--health-retries cannot be negative');
    hc.Retries = n;
  }
  return hc;
}

/** Docker's RAMInBytes: `512m`, `1g`, `100k`, plain bytes; binary units. */
export function parseBytes(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`invalid argument "${v}" for "${flag}" flag: invalid size: '${v}'`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * mult);
}

function intFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid argument "${v}" for "${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** Docker's `--restart` values: `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export function restartPolicy(v: string | undefined): RestartPolicy {
  if (!v) return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count] = v.split(':');
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name!)) throw new InvalidArgumentError(`invalid restart policy format: ${v}`);
  if (count !== undefined && name !== 'on-failure') throw new InvalidArgumentError(`maximum retry count cannot be used with restart policy '${name}'`);
  const max = count === undefined ? 0 : Number(count);
  if (!Number.isInteger(max) || max < 0) throw new InvalidArgumentError(`invalid restart policy format: maximum retry count must be an integer`);
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: max };
}

function ulimits(list: string[] | undefined): HostConfig['Ulimits'] {
  return (list ?? []).map((u) => {
    const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(u);
    if (!m) throw new InvalidArgumentError(`invalid argument "${u}" for "--ulimit" flag: invalid ulimit argument: ${u}`);
    const soft = Number(m[2]);
    const hard = m[3] === undefined ? soft : Number(m[3]);
    if (soft > hard && hard !== -1) throw new InvalidArgumentError(`invalid argument "${u}" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    return { Name: m[1]!, Soft: soft, Hard: hard };
  });
}

function envFiles(files: string[] | undefined): string[] {
  // A bare name takes its value from the CLI's own environment, as Docker does.
  return fileLines(files ?? []).map((line) => (line.includes('=') ? line : `${line}=${process.env[line] ?? ''}`));
}

/** Translates `create`/`run` flags into the Engine API's create body, validating as Docker does. */
export function createBody(image: string, command: string[], f: CreateFlags): ContainerCreateBody {
  const env = [...envFiles(f.envFile), ...(f.env ?? []).map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`))];
  const tmpfs: Record<string, string> = {};
  for (const t of f.tmpfs ?? []) {
    const [dest, opts] = t.split(/:(.*)/s);
    tmpfs[dest!] = opts ?? '';
  }
  const vols = splitVolumeFlags(f.volume ?? []);
  const hc: HostConfig = {
    Binds: vols.binds.length ? vols.binds : null,
    Mounts: f.mount?.length ? f.mount.map(parseMountFlag) : null,
    VolumesFrom: f.volumesFrom ?? null,
    AutoRemove: f.rm ?? false,
    RestartPolicy: restartPolicy(f.restart),
    NetworkMode: f.network ?? 'default',
    CapAdd: f.capAdd ?? null,
    CapDrop: f.capDrop ?? null,
    Privileged: f.privileged ?? false,
    ReadonlyRootfs: f.readOnly ?? false,
    SecurityOpt: f.securityOpt ?? null,
    Tmpfs: Object.keys(tmpfs).length ? tmpfs : null,
    ExtraHosts: f.addHost ?? null,
    Init: f.init ?? null,
    Memory: f.memory ? parseBytes(f.memory, '-m, --memory') : 0,
    MemorySwap: f.memorySwap ? (f.memorySwap === '-1' ? -1 : parseBytes(f.memorySwap, '--memory-swap')) : 0,
    NanoCpus: f.cpus ? Math.round(Number(f.cpus) * 1e9) : 0,
    CpuShares: intFlag(f.cpuShares, '-c, --cpu-shares') ?? 0,
    CpusetCpus: f.cpusetCpus ?? '',
    PidsLimit: intFlag(f.pidsLimit, '--pids-limit') ?? null,
    Ulimits: ulimits(f.ulimit),
    ShmSize: f.shmSize ? parseBytes(f.shmSize, '--shm-size') : 0,
    Sysctls: f.sysctl ? keyValueMap(f.sysctl, '--sysctl') : null,
    LogConfig: { Type: f.logDriver ?? '', Config: keyValueMap(f.logOpt, '--log-opt') },
    Dns: f.dns ?? [],
    DnsSearch: f.dnsSearch ?? [],
    DnsOptions: f.dnsOption ?? [],
    PublishAllPorts: f.publishAll ?? false,
    Devices: (f.device ?? []).map(parseDevice),
    GroupAdd: f.groupAdd ?? null,
    PidMode: f.pid ?? '',
    IpcMode: f.ipc ?? '',
    OomScoreAdj: intFlag(f.oomScoreAdj, '--oom-score-adj') ?? 0,
    MemoryReservation: f.memoryReservation ? parseBytes(f.memoryReservation, '--memory-reservation') : 0,
    CpuPeriod: intFlag(f.cpuPeriod, '--cpu-period') ?? 0,
    CpuQuota: intFlag(f.cpuQuota, '--cpu-quota') ?? 0,
    UTSMode: f.uts ?? '',
    OomKillDisable: f.oomKillDisable ?? null,
    CgroupParent: f.cgroupParent ?? '',
    CpusetMems: f.cpusetMems ?? '',
    MemorySwappiness: intFlag(f.memorySwappiness, '--memory-swappiness') ?? null,
  };
  const exposed: Record<string, object> = {};
  const bindings: PortMap = {};
  parsePublish(f.publish ?? [], exposed, bindings);
  parseExpose(f.expose ?? [], exposed);
  hc.PortBindings = bindings;
  if (f.macAddress && !/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(f.macAddress)) throw new InvalidArgumentError(`${f.macAddress} is not a valid mac address`);
  // The docker CLI puts the network's per-container settings in NetworkingConfig (API 1.44+).
  const endpoint: EndpointSettings = {};
  if (f.networkAlias?.length) endpoint.Aliases = f.networkAlias;
  if (f.ip) endpoint.IPAMConfig = { IPv4Address: f.ip };
  if (f.macAddress) endpoint.MacAddress = f.macAddress.replace(/-/g, ':');
  const network = hc.NetworkMode!;
  const networking = Object.keys(endpoint).length ? { EndpointsConfig: { [network]: endpoint } } : undefined;
  if (f.cpus && (!Number.isFinite(Number(f.cpus)) || Number(f.cpus) <= 0)) throw new InvalidArgumentError(`invalid argument "${f.cpus}" for "--cpus" flag: failed to parse ${f.cpus} as a rational number`);
  return {
    Image: image,
    Cmd: command.length ? command : null,
    Entrypoint: f.entrypoint === undefined ? null : f.entrypoint === '' ? [''] : [f.entrypoint],
    Env: env,
    WorkingDir: f.workdir ?? '',
    User: f.user ?? '',
    Hostname: f.hostname ?? '',
    Domainname: f.domainname ?? '',
    ExposedPorts: Object.keys(exposed).length ? exposed : null,
    Labels: keyValueMap([...fileLines(f.labelFile ?? []), ...(f.label ?? [])], '-l, --label'),
    Volumes: Object.keys(vols.volumes).length ? vols.volumes : null,
    StopSignal: f.stopSignal,
    StopTimeout: intFlag(f.stopTimeout, '--stop-timeout') ?? null,
    Healthcheck: healthcheckFrom(f) ?? null,
    Tty: f.tty ?? false,
    OpenStdin: f.interactive ?? false,
    StdinOnce: f.interactive ?? false,
    AttachStdin: f.interactive ?? false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: hc,
    NetworkingConfig: networking,
  };
}

/** The flags `create` and `run` share, with Docker's names. */
export function addCreateFlags(cmd: Command): Command {
  return cmd
    .option('--name <string>', 'Assign a name to the container')
    .option('-e, --env <list>', 'Set environment variables', collect)
    .option('--env-file <list>', 'Read in a file of environment variables', collect)
    .option('-w, --workdir <string>', 'Working directory inside the container')
    .option('-u, --user <string>', 'Username or UID (format: <name|uid>[:<group|gid>])')
    .option('-h, --hostname <string>', 'Container host name')
    .option('--entrypoint <string>', 'Overwrite the default ENTRYPOINT of the image')
    .option('-l, --label <list>', 'Set meta data on a container', collect)
    .option('--label-file <list>', 'Read in a line delimited file of labels', collect)
    .option('--pull <string>', 'Pull image before running ("always", "missing", "never")', 'missing')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('--cidfile <string>', 'Write the container ID to the file')
    .option('-q, --quiet', 'Suppress the pull output')
    .option('--restart <string>', 'Restart policy to apply when a container exits', 'no')
    .option('--init', 'Run an init inside the container that forwards signals and reaps processes')
    .option('--stop-signal <string>', 'Signal to stop the container')
    .option('--stop-timeout <int>', 'Timeout (in seconds) to stop a container')
    .option('--health-cmd <string>', 'Command to run to check health')
    .option('--health-interval <duration>', 'Time between running the check (ms|s|m|h) (default 0s)')
    .option('--health-timeout <duration>', 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)')
    .option('--health-retries <int>', 'Consecutive failures needed to report unhealthy')
    .option('--health-start-period <duration>', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)')
    .option('--health-start-interval <duration>', 'Time between running the check during the start period (ms|s|m|h) (default 0s)')
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK')
    .option('-m, --memory <bytes>', 'Memory limit')
    .option('--memory-swap <bytes>', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    .option('--cpus <decimal>', 'Number of CPUs')
    .option('-c, --cpu-shares <int>', 'CPU shares (relative weight)')
    .option('--cpuset-cpus <string>', 'CPUs in which to allow execution (0-3, 0,1)')
    .option('--cpu-period <int>', 'Limit CPU CFS (Completely Fair Scheduler) period')
    .option('--cpu-quota <int>', 'Limit CPU CFS (Completely Fair Scheduler) quota')
    .option('--memory-reservation <bytes>', 'Memory soft limit')
    .option('--oom-score-adj <int>', "Tune host's OOM preferences (-1000 to 1000)")
    .option('--device <list>', 'Add a host device to the container', collect)
    .option('--group-add <list>', 'Add additional groups to join', collect)
    .option('--pid <string>', 'PID namespace to use')
    .option('--uts <string>', 'UTS namespace to use')
    .option('--oom-kill-disable', 'Disable OOM Killer')
    .option('--cgroup-parent <string>', 'Optional parent cgroup for the container')
    .option('--cpuset-mems <string>', 'MEMs in which to allow execution (0-3, 0,1)')
    .option('--memory-swappiness <int>', 'Tune container memory swappiness (0 to 100)')
    .option('--ipc <string>', 'IPC mode to use')
    .option('--pids-limit <int>', 'Tune container pids limit (set -1 for unlimited)')
    .option('--ulimit <ulimit>', 'Ulimit options', collect)
    .option('--cap-add <list>', 'Add Linux capabilities', collect)
    .option('--cap-drop <list>', 'Drop Linux capabilities', collect)
    .option('--privileged', 'Give extended privileges to this container')
    .option('--read-only', "Mount the container's root filesystem as read only")
    .option('--security-opt <list>', 'Security Options', collect)
    .option('--tmpfs <list>', 'Mount a tmpfs directory', collect)
    .option('-v, --volume <list>', 'Bind mount a volume', collect)
    .option('--mount <mount>', 'Attach a filesystem mount to the container', collect)
    .option('--volumes-from <list>', 'Mount volumes from the specified container(s)', collect)
    .option('--network <network>', 'Connect a container to a network')
    .option('--network-alias <list>', 'Add network-scoped alias for the container', collect)
    .option('--ip <string>', 'IPv4 address (e.g., 172.30.100.104)')
    .option('--mac-address <string>', 'Container MAC address (e.g., 92:d0:c6:0a:29:33)')
    .option('--dns <list>', 'Set custom DNS servers', collect)
    .option('--dns-search <list>', 'Set custom DNS search domains', collect)
    .option('--dns-option <list>', 'Set DNS options', collect)
    .option('--domainname <string>', 'Container NIS domain name')
    .option('-p, --publish <list>', "Publish a container's port(s) to the host", collect)
    .option('-P, --publish-all', 'Publish all exposed ports to random ports')
    .option('--expose <list>', 'Expose a port or a range of ports', collect)
    .option('--add-host <list>', 'Add a custom host-to-IP mapping (host:ip)', collect)
    .option('--log-driver <string>', 'Logging driver for the container')
    .option('--log-opt <list>', 'Log driver options', collect)
    .option('--shm-size <bytes>', 'Size of /dev/shm')
    .option('--sysctl <map>', 'Sysctl options', collect)
    .option('-t, --tty', 'Allocate a pseudo-TTY')
    .option('-i, --interactive', 'Keep STDIN open even if not attached')
    .option('--rm', 'Automatically remove the container and its associated anonymous volumes when it exits');
}
