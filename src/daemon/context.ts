import type { Digest } from '../core/digest.js';
import type { ImageDeps } from '../images/deps.js';
import type { ContainerUse } from '../images/remove.js';
import type { Logger } from '../util/logger.js';
import type { VolumeStore } from '../volumes/volume-store.js';
import type { RegistryHostsConfig } from '../registry/client/endpoints.js';
import type { ContainerDeps } from './containers/deps.js';
import type { EventBus } from './events/event-bus.js';
import type { NetworkDeps } from './networks/deps.js';

/** Counts writes in flight (import, load, pull) so garbage collection leaves their fresh blobs alone. */
export class WriteTracker {
  #active = 0;
  busy(): boolean {
    return this.#active > 0;
  }
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
    }
  }
}

/** Everything the daemon's use cases share; built in cmd/berthd.ts. */
export interface DaemonContext {
  dataRoot: string;
  execRoot: string;
  logger: Logger;
  images: ImageDeps;
  writes: WriteTracker;
  containers: ContainerDeps;
  /** Local-driver volumes: records, references, mounts. */
  volumes: VolumeStore;
  networks: NetworkDeps;
  /** `docker events`: what happened to containers and images (not ctx.containers.events, the lifecycle hooks). */
  eventBus: EventBus;
  /** insecure-registries, registry-mirrors and max-download-attempts from the daemon config (none, Docker's default 5). */
  registry?: RegistryHostsConfig & { maxDownloadAttempts?: number };
}

/** Containers (running or exited) created from image `id`. */
export function containersUsing(ctx: DaemonContext, id: Digest): ContainerUse[] {
  return ctx.containers.store
    .list()
    .filter((c) => c.Image === id)
    .map((c) => ({ id: c.Id, running: c.State.Running }));
}

/** Snapshots containers hold, which image GC must keep. */
export function containerSnapshots(ctx: DaemonContext): ReadonlySet<string> {
  return new Set(ctx.containers.store.list().map((c) => c.SnapshotKey));
}
