import type { Digest } from '../../core/digest.js';
import type { ContainerCreateConfig, ContainerState, HostConfig } from '../../core/wire/containers.js';
import type { MountPointRecord } from './mounts/parse-mounts.js';
import type { EndpointSettings, PortMap } from '../../core/wire/networks.js';

/** A container's networks: what it asked at create and, while it runs, what it got. */
export interface ContainerNetworkSettings {
  /** Keyed by network name, as Docker's NetworkSettings.Networks. */
  Networks: Record<string, EndpointSettings>;
  /** Published ports as bound while running (random host ports resolved); {} when stopped. */
  Ports: PortMap;
  /** The network namespace file while running, else ''. */
  SandboxKey: string;
  /** Network name → interface name inside the container (eth0, eth1...). */
  Interfaces: Record<string, string>;
}

/** What berthd persists per container (containers/<id>/config.json), Docker's names where they exist. */
export interface ContainerRecord {
  Id: string;
  /** With Docker's leading slash: `/happy_turing`. */
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  /** The merged config: image defaults, then what the client asked. */
  Config: ContainerCreateConfig;
  HostConfig: HostConfig;
  /** Image ID the container was created from. */
  Image: Digest;
  State: ContainerState;
  RestartCount: number;
  /** Set by `stop`/`kill` so restart policies leave the container alone. */
  ManuallyStopped: boolean;
  SnapshotKey: string;
  /** Binds, volumes and tmpfs mounts resolved at create (absent in records older than volumes). */
  MountPoints?: MountPointRecord[];
  /** Absent for records written before networking existed (network mode none or host). */
  NetworkSettings?: ContainerNetworkSettings;
}

export function initialState(): ContainerState {
  return {
    Status: 'created',
    Running: false,
    Paused: false,
    Restarting: false,
    OOMKilled: false,
    Dead: false,
    Pid: 0,
    ExitCode: 0,
    Error: '',
    StartedAt: '0001-01-01T00:00:00Z',
    FinishedAt: '0001-01-01T00:00:00Z',
  };
}
