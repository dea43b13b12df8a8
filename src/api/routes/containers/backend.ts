import type { StdioAttach } from '../../../core/wire/attach.js';
import type { ContainerCreateBody, ContainerInspect, ContainerSummary, ContainerWaitResponse } from '../../../core/wire/containers.js';

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  time: string;
  data: Buffer;
}

export interface ContainersBackend {
  create(body: ContainerCreateBody | undefined, name: string | undefined): Promise<{ Id: string; Warnings: string[] }>;
  list(input: { all: boolean; limit?: number; size: boolean; filters?: string }): Promise<ContainerSummary[]>;
  inspect(ref: string): Promise<ContainerInspect>;
  start(ref: string): Promise<void>;
  stop(ref: string, timeout?: number, signal?: string): Promise<void>;
  restart(ref: string, timeout?: number, signal?: string): Promise<void>;
  kill(ref: string, signal?: string): Promise<void>;
  remove(ref: string, force: boolean, removeVolumes?: boolean): Promise<void>;
  wait(ref: string, condition: string | undefined, signal?: AbortSignal): Promise<ContainerWaitResponse>;
  rename(ref: string, name: string | undefined): Promise<void>;
  prune(): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>;
  /** Whether the container has a TTY (raw output) or not (multiplexed). */
  isTty(ref: string): boolean;
  logs(ref: string, opts: { stdout: boolean; stderr: boolean; follow: boolean; tail?: string; since?: string; until?: string; signal?: AbortSignal }): AsyncIterable<OutputChunk>;
  attachOutput(ref: string, opts: { stdout: boolean; stderr: boolean; signal?: AbortSignal }): AsyncIterable<OutputChunk>;
  /** Whether the container keeps stdin open: attach then goes through the monitor's stdio socket. */
  hasStdin?(ref: string): boolean;
  attachStdio?(ref: string, signal?: AbortSignal): StdioAttach;
  resize?(ref: string, height: number, width: number): Promise<void>;
}
