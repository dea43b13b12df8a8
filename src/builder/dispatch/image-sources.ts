import type { BuildBackend, BuildImage } from '../backend.js';
import type { StageOutput } from '../output.js';

/** An image ID (`sha256:<64 hex>` or the bare hex): names a local image, never something to pull. */
const IMAGE_ID = /^(sha256:)?[0-9a-f]{64}$/;

/**
 * The images a build's FROM lines and COPY --from flags name, as the classic builder's
 * imageSources: a local image is used as is, a missing one is pulled (its progress in the
 * build output), and with `--pull` every one is pulled, to get a newer base if the
 * registry has one. Each reference is resolved once per build, however many stages use it.
 */
export class ImageSources {
  readonly #backend: BuildBackend;
  readonly #forcePull: boolean;
  readonly #signal: AbortSignal;
  readonly #resolved = new Map<string, Promise<BuildImage>>();

  constructor(backend: BuildBackend, forcePull: boolean, signal: AbortSignal) {
    this.#backend = backend;
    this.#forcePull = forcePull;
    this.#signal = signal;
  }

  /** The image `ref` names; pull progress goes to `out` (of the first stage that asks). */
  get(ref: string, out: StageOutput): Promise<BuildImage> {
    let p = this.#resolved.get(ref);
    if (!p) {
      p = this.#resolve(ref, out);
      this.#resolved.set(ref, p);
    }
    return p;
  }

  async #resolve(ref: string, out: StageOutput): Promise<BuildImage> {
    if (!this.#forcePull || IMAGE_ID.test(ref)) {
      const local = await this.#backend.getImage(ref);
      if (local) return local;
    }
    return this.#backend.pullImage(ref, (e) => out.progress(e), this.#signal);
  }
}
