import type { MountPoint, MountSpec } from './volumes.js';

/** Docker Engine API container shapes (swagger: ContainerConfig, HostConfig, ContainerInspectResponse...). */

import type { NetworkingConfig, PortMap, PortSummary } from './networks.js';

export interface ContainerCreateConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | string | null;
  Entrypoint?: string[] | string | null;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  Healthcheck?: HealthConfig | null;
  ArgsEscaped?: boolean;
  OnBuild?: string[] | null;
  Shell?: string[] | null;
  /** Before API 1.44 the MAC address came here; now in NetworkingConfig's endpoint. */
  MacAddress?: string;
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

export interface HostConfig {
  Binds?: string[] | null;
  Mounts?: MountSpec[] | null;
  VolumesFrom?: string[] | null;
  VolumeDriver?: string;
  NetworkMode?: string;
  PortBindings?: PortMap | null;
  PublishAllPorts?: boolean;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Dns?: string[] | null;
  DnsSearch?: string[] | null;
  DnsOptions?: string[] | null;
  ExtraHosts?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  Tmpfs?: Record<string, string> | null;
  ShmSize?: number;
  Init?: boolean | null;
  Memory?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  PidsLimit?: number | null;
  Ulimits?: Array<{ Name: string; Soft: number; Hard: number }> | null;
  Sysctls?: Record<string, string> | null;
  LogConfig?: { Type: string; Config: Record<string, string> };
  Devices?: Array<{ PathOnHost: string; PathInContainer?: string; CgroupPermissions?: string }> | null;
  GroupAdd?: string[] | null;
  /** `host`, `container:<name|id>`, or empty for a namespace of its own. */
  PidMode?: string;
  /** `private`, `shareable`, `host`, `none`, `container:<name|id>`, or empty (private). */
  IpcMode?: string;
  OomScoreAdj?: number;
  MemoryReservation?: number;
  /** `host` or empty (a UTS namespace of its own). */
  UTSMode?: string;
  OomKillDisable?: boolean | null;
  CgroupParent?: string;
  CpusetMems?: string;
  MemorySwappiness?: number | null;
  BlkioWeight?: number;
  BlkioDeviceReadBps?: unknown[] | null;
  BlkioDeviceWriteBps?: unknown[] | null;
  BlkioDeviceReadIOps?: unknown[] | null;
  BlkioDeviceWriteIOps?: unknown[] | null;
  UsernsMode?: string;
  CgroupnsMode?: string;
  Runtime?: string;
  StorageOpt?: Record<string, string> | null;
  Isolation?: string;
}

export interface ContainerCreateBody extends ContainerCreateConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: NetworkingConfig | null;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** A container's or image's healthcheck (swagger: HealthConfig); durations in nanoseconds, 0 for the default. */
export interface HealthConfig {
  /** [] inherit the image's, ["NONE"] none, ["CMD", args...] exec, ["CMD-SHELL", script] through /bin/sh -c. */
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

/** One probe's outcome (swagger: HealthcheckResult). */
export interface HealthcheckResult {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

/** swagger: Health. */
export interface Health {
  Status: 'none' | 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthcheckResult[];
}

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: Health;
}

export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> | null };
  Mounts: MountPoint[];
  Config: ContainerCreateConfig;
  NetworkSettings: Record<string, unknown>;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: PortSummary[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string>;
  State: ContainerStatus;
  Status: string;
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, unknown> };
  Mounts: MountPoint[];
}

export interface ContainerWaitResponse {
  StatusCode: number;
  Error: { Message: string } | null;
}

/** POST /containers/{id}/update body (Docker's UpdateConfig, the fields Berth applies). Zero means "leave as is". */
export type ContainerUpdateBody = Pick<HostConfig, 'Memory' | 'MemorySwap' | 'NanoCpus' | 'CpuShares' | 'CpuPeriod' | 'CpuQuota' | 'CpusetCpus' | 'PidsLimit'> & {
  RestartPolicy?: RestartPolicy;
};
