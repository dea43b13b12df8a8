import type { StdioConnection } from '../stdio.js';

/** Docker Engine API exec shapes (swagger: ExecConfig, ExecInspectResponse). */

/** `POST /containers/{id}/exec` body, Docker's field names. */
export interface ExecCreateBody {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
  ConsoleSize?: [number, number] | null;
}

/** `GET /exec/{id}/json`. */
export interface ExecInspect {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  OpenStdin: boolean;
  OpenStdout: boolean;
  OpenStderr: boolean;
  CanRemove: boolean;
  DetachKeys: string;
  ProcessConfig: { privileged: boolean; user: string; tty: boolean; entrypoint: string; arguments: string[] };
}

/** An exec process that was started: what the API streams for an attached `POST /exec/{id}/start`. */
export interface StartedExec {
  record: ExecInspect;
  /** Output and input of an attached exec; undefined when detached. */
  connection?: StdioConnection;
  /** Resolves once the exit code is recorded. */
  exited: Promise<void>;
}
