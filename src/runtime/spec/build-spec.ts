import { release } from 'node:os';
import { InvalidArgument } from '../../core/errors.js';
import { containerCapabilities } from './capabilities.js';
import { defaultDeviceRules, defaultMaskedPaths, defaultMounts, defaultReadonlyPaths, DEFAULT_SHM_SIZE } from './defaults.js';
import { assertAbsolute, combineMounts, tmpfsMount } from './mounts.js';
import type { OciDevice, OciMount, OciNamespace, OciResources, OciSpec } from './oci-types.js';
import type { RlimitCeilings, Ulimit } from './rlimits.js';
import { toRlimits } from './rlimits.js';
import { goArch, resolveSeccomp } from './seccomp.js';
import type { SeccompHost } from './seccomp.js';
import { DEFAULT_SECCOMP_PROFILE } from './seccomp-default.js';

export interface SpecResources {
  /** Bytes; 0 or absent means unlimited. */
  memory?: number;
  /** Memory plus swap in bytes, Docker's meaning: -1 unlimited, absent/0 means twice `memory`. */
  memorySwap?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  /** 0, negative or absent means unlimited, as in Docker. */
  pidsLimit?: number;
  /** Soft limit (`--memory-reservation`), bytes. */
  memoryReservation?: number;
  /** `--oom-kill-disable`: the OOM killer leaves the container alone (cgroup v1). */
  disableOomKiller?: boolean;
  /** 0-100; absent leaves the kernel's. */
  swappiness?: number;
  cpusetMems?: string;
}

export interface SpecInput {
  /** Absolute path of the mounted rootfs (config.json may also take it relative to the bundle). */
  rootfs: string;
  readonlyRootfs?: boolean;
  args: string[];
  /** `KEY=value` strings, already complete (the daemon adds PATH, HOSTNAME, TERM). */
  env: string[];
  cwd?: string;
  user?: { uid: number; gid: number; additionalGids?: number[] };
  hostname?: string;
  terminal?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  /** The daemon's bounding set (see `readBoundingSet`); no capability outside it is granted. */
  capabilityCeiling?: readonly string[];
  /** The host's devices (see `readHostDevices`), given to a privileged container only. */
  hostDevices?: readonly OciDevice[];
  /** `--device`s (see `resolveDevice`): created in the container and allowed by its device cgroup. */
  devices?: ReadonlyArray<{ device: OciDevice; access: string }>;
  /** `private` (the default): a pid namespace of its own; `host`: the host's; otherwise a namespace path to join. */
  pid?: string;
  /** `private`/`shareable` (the default): an IPC namespace of its own; `host`: the host's (and its /dev/shm); otherwise a namespace path. */
  ipc?: string;
  /** `--oom-score-adj`, -1000 to 1000. */
  oomScoreAdj?: number;
  /** `host`: the host's UTS namespace (and hostname); otherwise one of its own. */
  uts?: string;
  noNewPrivileges?: boolean;
  /** Extra mounts: binds, volumes, /etc/hosts and friends. */
  mounts?: OciMount[];
  /** `rshared`/`rslave`: the root's propagation, which shared/slave bind mounts need. */
  rootfsPropagation?: string;
  /** `--tmpfs` destination → options (`size=64m,exec`). */
  tmpfs?: Record<string, string>;
  /** `none`: a new, empty network namespace; `host`: the host's; otherwise a namespace path to join. */
  network: 'none' | 'host' | string;
  resources?: SpecResources;
  ulimits?: Ulimit[];
  /** Hard limits runc must stay under (see `readHardLimits`); without it ulimits pass unclamped. */
  rlimitCeilings?: RlimitCeilings;
  cgroupsPath?: string;
  /** Override Docker's masked/readonly paths (`--security-opt systempaths=unconfined` → []). */
  maskedPaths?: string[];
  readonlyPaths?: string[];
  sysctls?: Record<string, string>;
  /** Docker's default profile when true (the default); unconfined when false. Ignored when privileged. */
  seccomp?: boolean;
  shmSize?: number;
  /** For seccomp rules keyed on arch and kernel; defaults to this host. */
  host?: SeccompHost;
}

/** Sysctls a container may set because they live in a namespace it owns (moby `ValidateSysctl`). */
function validateSysctl(key: string, network: string): void {
  const ipc = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax',
    'kernel.shmmni', 'kernel.shm_rmid_forced'];
  if (ipc.includes(key) || key.startsWith('fs.mqueue.')) return;
  if (key.startsWith('net.')) {
    if (network === 'host') throw new InvalidArgument(`sysctl "${key}" not allowed in host network namespace`);
    return;
  }
  if (key === 'kernel.domainname' || key === 'kernel.hostname') return;
  throw new InvalidArgument(`sysctl "${key}" is not in a separate kernel namespace`);
}

function buildResources(r: SpecResources | undefined, privileged: boolean): OciResources {
  const out: OciResources = { devices: privileged ? [{ allow: true, access: 'rwm' }] : defaultDeviceRules() };
  if (!r) return out;
  if (r.memory && r.memory > 0) {
    const swap = r.memorySwap === undefined || r.memorySwap === 0 ? r.memory * 2 : r.memorySwap;
    if (swap > 0 && swap < r.memory) {
      throw new InvalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
    }
    out.memory = { limit: r.memory, swap };
  } else if (r.memorySwap !== undefined && r.memorySwap > 0) {
    throw new InvalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;
  if (r.pidsLimit !== undefined && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  if (r.disableOomKiller) out.memory = { ...(out.memory ?? {}), disableOOMKiller: true };
  if (r.swappiness !== undefined && r.swappiness >= 0) out.memory = { ...(out.memory ?? {}), swappiness: r.swappiness };
  if (r.cpusetMems) out.cpu = { ...(out.cpu ?? {}), mems: r.cpusetMems };
  if (r.memoryReservation && r.memoryReservation > 0) {
    if (r.memory && r.memory > 0 && r.memoryReservation > r.memory) {
      throw new InvalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');
    }
    out.memory = { ...(out.memory ?? {}), reservation: r.memoryReservation };
  }
  return out;
}

/** A namespace of its own, the host's (none listed), or another's joined by path. */
function ownOrJoined(type: 'pid' | 'ipc', mode: string | undefined, own: readonly string[]): OciNamespace[] {
  if (mode === undefined || mode === '' || own.includes(mode)) return [{ type }];
  if (mode === 'host') return [];
  assertAbsolute(mode);
  return [{ type, path: mode }];
}

function namespaces(network: string, pid: string | undefined, ipc: string | undefined): OciNamespace[] {
  const ns: OciNamespace[] = [...ownOrJoined('pid', pid, ['private']), ...ownOrJoined('ipc', ipc, ['private', 'shareable', 'none']), { type: 'uts' }, { type: 'mount' }];
  // No cgroup namespace: this host's cgroup v1 layout has none, and Docker's v1 default is the host's.
  if (network === 'none') ns.push({ type: 'network' });
  else if (network !== 'host') {
    assertAbsolute(network);
    ns.push({ type: 'network', path: network });
  }
  return ns;
}

/**
 * The OCI config.json of a container, with Docker's defaults for everything the
 * input leaves out. Pure: reads no files (ceilings and host facts come in the input),
 * so the same input always gives the same spec.
 *
 * @example
 * buildSpec({ rootfs: '/run/berth/c1/rootfs', args: ['sh'], env: ['PATH=/bin'], network: 'none' })
 */
export function buildSpec(input: SpecInput): OciSpec {
  if (input.args.length === 0) throw new InvalidArgument('no command specified');
  const privileged = input.privileged ?? false;
  const caps = containerCapabilities(input.capAdd ?? [], input.capDrop ?? [], privileged, input.capabilityCeiling);
  const cwd = input.cwd || '/';
  assertAbsolute(cwd);

  const user: OciMount[] = [...(input.mounts ?? [])];
  for (const [dest, opts] of Object.entries(input.tmpfs ?? {})) user.push(tmpfsMount(dest, opts));
  for (const m of user) assertAbsolute(m.destination);

  const spec: OciSpec = {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: input.terminal ?? false,
      user: {
        uid: input.user?.uid ?? 0,
        gid: input.user?.gid ?? 0,
        ...(input.user?.additionalGids?.length ? { additionalGids: [...input.user.additionalGids] } : {}),
      },
      args: [...input.args],
      env: [...input.env],
      cwd,
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] },
      noNewPrivileges: input.noNewPrivileges ?? false,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs ?? false },
    mounts: combineMounts(defaultMounts(input.shmSize ?? DEFAULT_SHM_SIZE, privileged), user),
    linux: {
      namespaces: namespaces(input.network, input.pid, input.ipc).filter((n) => n.type !== 'uts' || input.uts !== 'host'),
      resources: buildResources(input.resources, privileged),
      maskedPaths: privileged ? [] : [...(input.maskedPaths ?? defaultMaskedPaths())],
      readonlyPaths: privileged ? [] : [...(input.readonlyPaths ?? defaultReadonlyPaths())],
    },
  };
  if (privileged && input.hostDevices?.length) spec.linux.devices = input.hostDevices.map((d) => ({ ...d }));
  if (input.devices?.length) {
    const listed = new Set((spec.linux.devices ?? []).map((d) => d.path));
    spec.linux.devices = [...(spec.linux.devices ?? []), ...input.devices.filter((g) => !listed.has(g.device.path)).map((g) => ({ ...g.device }))];
    if (!privileged) {
      for (const g of input.devices) spec.linux.resources.devices.push({ allow: true, type: g.device.type === 'b' ? 'b' : 'c', major: g.device.major, minor: g.device.minor, access: g.access });
    }
  }
  if (input.oomScoreAdj !== undefined && input.oomScoreAdj !== 0) {
    if (input.oomScoreAdj < -1000 || input.oomScoreAdj > 1000) throw new InvalidArgument(`Invalid value ${input.oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
    spec.process.oomScoreAdj = input.oomScoreAdj;
  }
  // The host's IPC namespace comes with the host's /dev/shm, as in Docker.
  if (input.ipc === 'host') {
    spec.mounts = spec.mounts.filter((m) => m.destination !== '/dev/shm');
    spec.mounts.push({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  }
  if (input.hostname && input.uts !== 'host') spec.hostname = input.hostname;
  if (input.ulimits?.length) spec.process.rlimits = toRlimits(input.ulimits, input.rlimitCeilings);
  if (input.cgroupsPath) spec.linux.cgroupsPath = input.cgroupsPath;
  if (input.rootfsPropagation) spec.linux.rootfsPropagation = input.rootfsPropagation;
  if (input.sysctls && Object.keys(input.sysctls).length > 0) {
    for (const key of Object.keys(input.sysctls)) validateSysctl(key, input.network);
    spec.linux.sysctl = { ...input.sysctls };
  }
  if ((input.seccomp ?? true) && !privileged) {
    const host = input.host ?? { arch: goArch(process.arch), kernel: release() };
    spec.linux.seccomp = resolveSeccomp(DEFAULT_SECCOMP_PROFILE, caps, host);
  }
  return spec;
}
