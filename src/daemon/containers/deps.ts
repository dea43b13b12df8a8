import type { Mount } from '../../core/mount.js';
import type { Runtime } from '../../core/runtime.js';
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
  /** Default log rotation size in bytes. */
  logMaxSize: number;
  /** berthd's bounding set, read once at start: privileged and `--cap-add ALL` mean this, no more. */
  hostCapabilities: readonly string[];
}
