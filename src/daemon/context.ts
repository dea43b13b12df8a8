import type { Digest } from '../core/digest.js';
import type { ImageDeps } from '../images/deps.js';
import type { ContainerUse } from '../images/remove.js';
import type { Logger } from '../util/logger.js';

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
  /** Containers created from an image; the containers part fills this in. */
  containersUsing(id: Digest): ContainerUse[];
  /** Snapshots containers hold, which image GC must keep. */
  containerSnapshots(): ReadonlySet<string>;
}
