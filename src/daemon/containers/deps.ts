import type { Mount } from '../../core/mount.js';
import type { Runtime } from '../../core/runtime.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerStore } from './container-store.js';
import type { LifecycleEvents } from './lifecycle-events.js';

/** Performs mounts; `mount/` implements it, cmd/ wires it in. */
export interface Mounter {
  mountAll(mounts: Mount[], target: string): Promise<void>;
  unmount(target: string, opts?: { detach?: boolean }): Promise<void>;
  isMountPoint(path: string): Promise<boolean>;
}

export interface ContainerDeps {
  store: ContainerStore;
  runtime: Runtime;
  mounter: Mounter;
  events: LifecycleEvents;
  /** exec-root/containers: bundles (config.json), per-container runtime files. */
  bundleRoot: string;
  /** exec-root/exits: where conmon writes exit codes. */
  exitDir: string;
  /** The config file's `log-opts`, merged under each new container's own (see log-config.ts). */
  logOpts: Readonly<Record<string, string>>;
  /** `--init`: the static tini bind-mounted at /sbin/docker-init, and whether containers get it unless they say. */
  init: { path: string; default: boolean };
  /** berthd's bounding set, read once at start: privileged and `--cap-add ALL` mean this, no more. */
  hostCapabilities: readonly string[];
  /** Runs healthchecks of running containers (`health/`); set once the exec runtime exists. */
  health?: HealthWatcher;
}

export interface HealthWatcher {
  /** Starts probing; `fresh` (a start, not a restore) resets State.Health to starting. */
  watch(c: ContainerRecord, fresh?: boolean): void;
  unwatch(id: string): void;
}
