/**
 * Bounds how many tasks run at once (parallel layer downloads and uploads). Waiters
 * are served in arrival order, so layers start in manifest order.
 */
export class Semaphore {
  #free: number;
  readonly #waiters: Array<() => void> = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  /** True when `acquire` would have to wait. */
  get full(): boolean {
    return this.#free <= 0;
  }

  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((r) => this.#waiters.push(r));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next) next();
      else this.#free++;
    };
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
