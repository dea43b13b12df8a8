/**
 * The subset of the OCI runtime spec (config.json, runtime-spec 1.0.2) that Berth
 * writes. Field names are the spec's, so a value serialises straight to config.json.
 */

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: OciLinux;
}

export interface OciUser {
  uid: number;
  gid: number;
  umask?: number;
  additionalGids?: number[];
}

export interface OciCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable: string[];
  ambient: string[];
}

export interface OciRlimit {
  /** `RLIMIT_NOFILE` and friends. */
  type: string;
  soft: number;
  hard: number;
}

export interface OciProcess {
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  user: OciUser;
  args: string[];
  env: string[];
  cwd: string;
  capabilities: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges: boolean;
  apparmorProfile?: string;
  oomScoreAdj?: number;
}

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export type OciNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

export interface OciNamespace {
  type: OciNamespaceType;
  /** Join this existing namespace instead of creating a new one. */
  path?: string;
}

export interface OciDeviceRule {
  allow: boolean;
  type?: 'a' | 'c' | 'b' | 'p';
  major?: number;
  minor?: number;
  access?: string;
}

export interface OciResources {
  devices: OciDeviceRule[];
  memory?: { limit?: number; swap?: number; reservation?: number; disableOOMKiller?: boolean; swappiness?: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
}

export type SeccompAction =
  | 'SCMP_ACT_KILL'
  | 'SCMP_ACT_KILL_PROCESS'
  | 'SCMP_ACT_KILL_THREAD'
  | 'SCMP_ACT_TRAP'
  | 'SCMP_ACT_ERRNO'
  | 'SCMP_ACT_TRACE'
  | 'SCMP_ACT_ALLOW'
  | 'SCMP_ACT_LOG'
  | 'SCMP_ACT_NOTIFY';

export type SeccompOperator =
  | 'SCMP_CMP_NE'
  | 'SCMP_CMP_LT'
  | 'SCMP_CMP_LE'
  | 'SCMP_CMP_EQ'
  | 'SCMP_CMP_GE'
  | 'SCMP_CMP_GT'
  | 'SCMP_CMP_MASKED_EQ';

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

export interface OciSyscallRule {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: SeccompArg[];
}

export interface OciSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls: OciSyscallRule[];
}

export interface OciLinux {
  namespaces: OciNamespace[];
  resources: OciResources;
  cgroupsPath?: string;
  sysctl?: Record<string, string>;
  seccomp?: OciSeccomp;
  maskedPaths: string[];
  readonlyPaths: string[];
  /** `rshared`/`rslave` when a bind mount needs that propagation. */
  rootfsPropagation?: string;
  devices?: OciDevice[];
}

/** A device node runc creates in the container's /dev. */
export interface OciDevice {
  path: string;
  type: 'c' | 'b' | 'p' | 'u';
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}
