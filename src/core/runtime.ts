/**
 * The Runtime contract: turns an OCI bundle into a running container and reports
 * on it. Implementations: `runtime/runc` (conmon + runc) and `runtime/fake`.
 *
 * Lifecycle: create → start → (pause ⇄ resume) → exit (the monitor writes the exit
 * code to `exitDir/<id>`) → delete. The monitor, not berthd, is the parent of the
 * container, so containers outlive berthd; after a restart berthd finds them again
 * with `state` and `readExitCode`. `delete` is idempotent.
 */

export interface CreateOptions {
  /** The container id; also the name runc knows it by. */
  id: string;
  /** Directory holding config.json; the rootfs is already mounted at `spec.root.path`. */
  bundle: string;
  /** Where container output goes, in k8s-file format. */
  logPath: string;
  /** The monitor writes `<exitDir>/<id>` with the exit code when the container exits. */
  exitDir: string;
  /** Per-container directory the monitor keeps files in (exit, oom); must survive berthd restarts. */
  persistDir: string;
  terminal: boolean;
  /** Keep a stdin pipe open to the container (for attach). */
  stdin: boolean;
  /** Keep the container's stdin open when an attached client closes its input (else that is EOF). */
  leaveStdinOpen?: boolean;
  /** Log rotation threshold in bytes; unlimited when absent. */
  logMaxSize?: number;
}

export type RuntimeStatus = 'created' | 'running' | 'paused' | 'stopped';

export interface RuntimeState {
  id: string;
  status: RuntimeStatus;
  /** Host pid of the container's init; 0 once stopped. */
  pid: number;
}

/**
 * New cgroup limits for a running container; absent fields stay as they are.
 * Docker's units: bytes, CFS microseconds, a cpuset list like `0-2`.
 */
export interface ResourceUpdate {
  memory?: number;
  /** Memory plus swap in bytes; -1 is unlimited. */
  memorySwap?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  pidsLimit?: number;
}

export interface Runtime {
  /** Creates the container (not started) with its monitor watching it. */
  create(opts: CreateOptions): Promise<{ pid: number; conmonPid: number }>;
  start(id: string): Promise<void>;
  /** `signal` is a name (`SIGTERM`, `TERM`) or a number; `all` signals every process of the container. */
  kill(id: string, signal: string | number, all?: boolean): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Changes the cgroup limits of a created, running or paused container. */
  update(id: string, resources: ResourceUpdate): Promise<void>;
  /** undefined when the runtime does not know the container. */
  state(id: string): Promise<RuntimeState | undefined>;
  /** Removes the container from the runtime; `force` kills it first. Idempotent. */
  delete(id: string, force?: boolean): Promise<void>;
  /** Exit code the monitor wrote into `exitDir/<id>`, or undefined if not exited yet. */
  readExitCode(exitDir: string, id: string): Promise<number | undefined>;
  /** Resolves with the exit code once the container has exited; rejects when `signal` aborts. */
  waitExit(exitDir: string, id: string, signal?: AbortSignal): Promise<number>;
}
