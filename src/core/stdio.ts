/**
 * A live connection to the stdio of a container or exec process, as its monitor
 * serves it. Output arrives tagged by stream; input is written as raw bytes.
 *
 * Lifecycle: connected → (output…) → 'end' once the process exited and the monitor
 * closed the connection, or after `close()`. `closeStdin()` is an EOF on the
 * process's stdin (when the monitor was told to close it on client EOF).
 */
export interface StdioConnection {
  onOutput(cb: (stream: 'stdout' | 'stderr', data: Buffer) => void): void;
  /** Called once when no more output will come. */
  onEnd(cb: () => void): void;
  write(data: Buffer): Promise<void>;
  closeStdin(): void;
  close(): void;
}

/** Attach and resize for containers the runtime runs; ids are container ids. */
export interface ContainerIo {
  /** Connects to the container's stdio; the container must have been created by the runtime. */
  attach(id: string): Promise<StdioConnection>;
  resize(id: string, height: number, width: number): Promise<void>;
}

/** What an exec process runs; an OCI process spec in spirit. */
export interface ExecProcess {
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  terminal: boolean;
  capabilities?: string[];
  consoleSize?: { height: number; width: number };
  noNewPrivileges?: boolean;
}

export interface ExecStartOptions {
  containerId: string;
  execId: string;
  process: ExecProcess;
  stdin: boolean;
  /** Connect to the process's stdio before it starts (attached exec); detached otherwise. */
  attach: boolean;
}

/** Runs extra processes inside running containers; the monitor records their exit codes. */
export interface ExecRuntime {
  start(opts: ExecStartOptions): Promise<{ pid: number; connection?: StdioConnection }>;
  /** Resolves with the exit code of exec `execId` in container `containerId`. */
  waitExit(containerId: string, execId: string, signal?: AbortSignal): Promise<number>;
  resize(execId: string, height: number, width: number): Promise<void>;
  /** Removes the exec's runtime files. Idempotent. */
  remove(execId: string): Promise<void>;
}
