import { EventEmitter } from 'node:events';

/** In-process notifications of container exits and removals, for `wait`, attach and logs. */
export class LifecycleEvents {
  #ee = new EventEmitter();
  #readers = new Map<string, number>();

  constructor() {
    this.#ee.setMaxListeners(0);
  }

  exited(id: string, code: number): void {
    this.#ee.emit(`exit:${id}`, code);
  }

  removed(id: string): void {
    this.#ee.emit(`removed:${id}`);
  }

  #createdHooks = new Map<string, Set<() => Promise<void>>>();

  /**
   * Runs `hook` once, after the runtime created `id` and before it starts it, so an
   * attach made before start connects in time to see the first byte of output.
   * Returns a function that unregisters the hook.
   */
  onceCreated(id: string, hook: () => Promise<void>): () => void {
    let hooks = this.#createdHooks.get(id);
    if (!hooks) this.#createdHooks.set(id, (hooks = new Set()));
    hooks.add(hook);
    return () => void hooks.delete(hook);
  }

  /** Called by the runner between create and start; waits for every hook (failures are theirs). */
  async created(id: string): Promise<void> {
    const hooks = this.#createdHooks.get(id);
    if (!hooks?.size) return;
    this.#createdHooks.delete(id);
    await Promise.allSettled([...hooks].map((h) => h()));
  }

  /** Marks an attach reader of `id`'s output; call the returned function when it is done. */
  holdOutput(id: string): () => void {
    this.#readers.set(id, (this.#readers.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.#readers.get(id) ?? 1) - 1;
      if (n > 0) this.#readers.set(id, n);
      else {
        this.#readers.delete(id);
        this.#ee.emit(`readers-done:${id}`);
      }
    };
  }

  /**
   * Resolves once no attach reader holds `id`'s output (or after `timeoutMs`), so
   * auto-removal does not delete a log that an attached client has not read yet.
   */
  async outputReleased(id: string, timeoutMs: number): Promise<void> {
    if (!this.#readers.get(id)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#ee.once(`readers-done:${id}`, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  nextExit(id: string, signal?: AbortSignal): Promise<number> {
    return this.#once(`exit:${id}`, signal) as Promise<number>;
  }

  nextRemoval(id: string, signal?: AbortSignal): Promise<void> {
    return this.#once(`removed:${id}`, signal).then(() => undefined);
  }

  #once(event: string, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#ee.off(event, handler);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const handler = (v: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      };
      this.#ee.once(event, handler);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
