import type { BuildRequest } from '../core/wire/build.js';
import type { BuildBackend, BuildImage, ImageDraft } from './backend.js';
import type { BuildCache, StepInputs } from './cache/build-cache.js';
import type { BuildContext } from './context/build-context.js';
import type { Dockerfile } from './dockerfile/ast.js';
import type { BuildArgs } from './dispatch/build-args.js';
import type { ImageSources } from './dispatch/image-sources.js';
import type { StageState } from './dispatch/stage-state.js';
import { runtimeOf } from './dispatch/stage-state.js';
import type { ContainerConfig, HistoryEntry } from '../core/image-config.js';

/** What the dispatcher needs of a build request: the wire request without the API's reporting and credentials. */
export type BuildOptions = Omit<BuildRequest, 'quiet' | 'authConfigs'>;

/** Everything one build shares between its stages. */
export interface Session {
  backend: BuildBackend;
  cache: BuildCache;
  context: BuildContext;
  dockerfile: Dockerfile;
  opts: BuildOptions;
  args: BuildArgs;
  /** SOURCE_DATE_EPOCH in seconds, when given. */
  epoch?: number;
  /** A directory this build may use for downloads; removed with the context. */
  scratchDir: string;
  signal: AbortSignal;
  /** FROM and COPY --from images (local, else pulled; always pulled with --pull). */
  images: ImageSources;
  /** The final image of stage `index` of this build (waits for it). */
  stageImage(index: number): Promise<BuildImage>;
  /** Image IDs --cache-from allows, or undefined when the local cache is used. */
  cacheFromSet?: ReadonlySet<string>;
}

/** The key under which a step's inputs are remembered for the next build's miss explanations. */
export function stepLocation(s: Session, stage: number, step: number | string): string {
  return `${s.opts.tags[0] ?? '<none>'}|${s.opts.dockerfile}|${stage}|${step}`;
}

export function createdAt(s: Session): string {
  return s.epoch !== undefined ? new Date(s.epoch * 1000).toISOString().replace('.000Z', 'Z') : new Date().toISOString();
}

/** The next image's config: the stage's config with a new runtime part and one more history entry. */
export function makeDraft(s: Session, st: StageState, runtime: ContainerConfig, createdBy: string, metadataOnly: boolean): ImageDraft {
  const created = createdAt(s);
  const entry: HistoryEntry = {
    created,
    created_by: createdBy,
    ...(st.maintainer ? { author: st.maintainer } : {}),
    ...(metadataOnly ? { empty_layer: true } : {}),
  };
  const base = st.config;
  return {
    config: {
      architecture: base.architecture,
      os: base.os,
      ...(base.variant ? { variant: base.variant } : {}),
      created,
      ...(st.maintainer ? { author: st.maintainer } : {}),
      config: runtime,
      rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids] },
      history: [...(base.history ?? []), entry],
    },
    ...(s.epoch !== undefined ? { epoch: s.epoch } : {}),
  };
}

/** The inputs of a step, for the cache's miss explanations. */
export function inputsOf(st: StageState, instruction: string, extra: Partial<StepInputs> = {}): StepInputs {
  return { instruction, parent: st.imageId ?? '', base: st.base, args: Object.fromEntries(st.args.values()), ...extra };
}

export { runtimeOf };
