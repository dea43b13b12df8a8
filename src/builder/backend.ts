import type { Readable } from 'node:stream';
import type { ImageConfig } from '../core/image-config.js';
import type { ProgressSink } from '../core/progress.js';
import type { RunMountSpec } from './dockerfile/run-mount.js';

/**
 * What the Dockerfile dispatcher needs from the engine, and nothing more: the builder
 * never sees containers records, snapshots or the image store, only these calls.
 * Images are named by their ID (`sha256:...`); a step's image is written by the
 * backend from a complete config the builder computed (runtime config, history).
 */
export interface BuildBackend {
  /** A local image by name or ID (no pull); undefined when there is none. */
  getImage(ref: string): Promise<BuildImage | undefined>;
  /**
   * Pulls `ref` (a FROM or COPY --from image) from its registry with the build's
   * credentials, reporting progress as `docker pull` does; returns the pulled image.
   */
  pullImage(ref: string, progress: ProgressSink, signal?: AbortSignal): Promise<BuildImage>;
  /** Image IDs whose `parent` is `id` (for --cache-from matching). */
  childrenOf(id: string): string[];
  /** The parent recorded for an image built here (undefined for bases and loaded images). */
  parentOf(id: string): string | undefined;

  /**
   * Runs `cmd` in a new container from `image` and waits for it to exit, passing its
   * output to `onOutput` as it comes. The container is left for `commitContainer` or
   * `removeContainer`.
   */
  runContainer(input: RunInput, onOutput: (data: Buffer) => void, signal?: AbortSignal): Promise<{ containerId: string; exitCode: number }>;
  /** The container's changes become a layer on top of its image (none when it changed nothing). */
  commitContainer(containerId: string, draft: ImageDraft, signal?: AbortSignal): Promise<BuildImage>;
  removeContainer(containerId: string): Promise<void>;

  /**
   * A writable rootfs on top of `parent` (empty for scratch) is mounted and handed to
   * `write`; whatever it wrote becomes the new image's layer (none if nothing changed).
   */
  commitFiles(parent: string | undefined, write: (rootfs: string) => Promise<void>, draft: ImageDraft, signal?: AbortSignal): Promise<BuildImage>;
  /** Mounts image `id` read-only for the length of `read` (COPY --from). */
  withImageRootfs<T>(id: string, read: (rootfs: string) => Promise<T>): Promise<T>;
  /** A config-only image: same layers as `parent`, new config (metadata steps). */
  writeImage(parent: string | undefined, draft: ImageDraft): Promise<BuildImage>;

  /** Fetches an ADD URL (berthd does, as Docker's daemon does). */
  fetchUrl(url: string, signal?: AbortSignal): Promise<{ body: Readable; lastModified?: Date }>;
}

export interface BuildImage {
  id: string;
  config: ImageConfig;
}

/**
 * The next image's config as the builder made it. `config.history` ends with the step's
 * entry; the backend marks it `empty_layer` and leaves rootfs as it is when the step
 * changed no file, or appends the new layer's DiffID.
 */
export interface ImageDraft {
  config: ImageConfig;
  /** SOURCE_DATE_EPOCH (seconds): file times in the new layer are clamped to it. */
  epoch?: number;
}

export interface RunInput {
  image: string;
  cmd: string[];
  env: string[];
  user: string;
  workdir: string;
  /** Docker's build --network: `default` lets the daemon choose. */
  networkMode: string;
  /** Called once the container exists, before it starts (the builder prints its ID). */
  onStart?: (containerId: string) => void;
  /** RUN --mount, targets absolute. */
  mounts?: RunMount[];
}

/**
 * A RUN --mount as the engine performs it. A bind's source is a host path the builder
 * prepared (a private copy, so a read-write bind changes nothing outside the step); a
 * cache lives in the engine's build cache, by id, across builds.
 */
export type RunMount = { type: 'bind'; source: string; target: string; readonly: boolean } | Exclude<RunMountSpec, { type: 'bind' }>;
