/** Wire shapes of the container operation and event endpoints, as the CLI reads them. */

/** GET /containers/{id}/top */
export interface ContainerTopResponse {
  Titles: string[];
  Processes: string[][] | null;
}

export interface StatsCpu {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface StatsBlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** One frame of GET /containers/{id}/stats (the fields the CLI uses). */
export interface ContainerStatsFrame {
  name: string;
  id: string;
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: { io_service_bytes_recursive: StatsBlkioEntry[] | null };
  cpu_stats: StatsCpu;
  precpu_stats: StatsCpu;
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
}

export type { ContainerUpdateBody as ContainerUpdateConfig } from '../core/wire/containers.js';

/** One line of GET /events. */
export interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  timeNano: number;
}
