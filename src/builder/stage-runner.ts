import { InvalidArgument } from '../core/errors.js';
import type { ImageConfig } from '../core/image-config.js';
import type { BuildImage } from './backend.js';
import type { StepInputs } from './cache/build-cache.js';
import { explainMiss } from './cache/explain-miss.js';
import type { Instruction, Stage } from './dockerfile/ast.js';
import { parseDockerfile } from './dockerfile/parse.js';
import { fromStageIndex } from './dockerfile/stage-graph.js';
import { processWord } from './dockerfile/shell-lex.js';
import { applyMetadata } from './dispatch/metadata-steps.js';
import { nopCreatedBy } from './dispatch/history.js';
import { runtimeOf, shellOf, type StageState } from './dispatch/stage-state.js';
import { copyStep } from './steps/copy-step.js';
import { runStep } from './steps/run-step.js';
import { workdirStep } from './steps/workdir-step.js';
import type { StageOutput } from './output.js';
import { inputsOf, makeDraft, stepLocation, type Session } from './session.js';

/** A step ready to be looked up in the cache or executed. */
export interface PreparedStep {
  /** The history `created_by`: also the cache key next to the parent image. */
  createdBy: string;
  inputs: StepInputs;
  /** Makes the step's image on a cache miss. */
  execute(): Promise<BuildImage>;
}

const METADATA = new Set(['ENV', 'LABEL', 'MAINTAINER', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'VOLUME', 'USER', 'STOPSIGNAL', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'ARG']);

export function short(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/**
 * Runs one stage: FROM, its ONBUILD triggers, then each instruction, printing Docker's
 * classic-builder lines (`Step N/M : ...`, ` ---> <id>`). Returns the stage's image.
 */
export async function runStage(s: Session, stage: Stage, firstStep: number, total: number, extra: Instruction[], out: StageOutput): Promise<BuildImage> {
  let step = firstStep;
  out.write(`Step ${step++}/${total} : ${stage.from.original}\n`);
  const st = await initStage(s, stage, out);
  out.write(` ---> ${st.imageId ? short(st.imageId) : ''}\n`);
  const instructions = [...stage.instructions, ...extra];
  for (const [i, ins] of instructions.entries()) {
    if (s.signal.aborted) throw new InvalidArgument('Build cancelled');
    out.write(`Step ${step++}/${total} : ${ins.original}\n`);
    await dispatch(s, st, ins, stepLocation(s, stage.index, i), out);
    out.write(` ---> ${st.imageId ? short(st.imageId) : ''}\n`);
  }
  if (!st.imageId) {
    // FROM scratch and nothing else: Docker has no image to give either.
    throw new InvalidArgument('No image was generated. Is your Dockerfile empty?');
  }
  out.aux({ ID: st.imageId });
  return { id: st.imageId, config: st.config };
}

const SCRATCH_CONFIG: ImageConfig = { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] };

async function initStage(s: Session, stage: Stage, out: StageOutput): Promise<StageState> {
  const escape = s.dockerfile.directives.escape;
  const ref = processWord(stage.from.image, s.args.metaEnv(), escape);
  checkPlatform(s, stage);
  let image: BuildImage | undefined;
  if (ref.toLowerCase() !== 'scratch') {
    const dep = fromStageIndex(s.dockerfile, ref, stage);
    image = dep !== undefined ? await s.stageImage(dep) : await s.images.get(ref, out);
  }
  const config: ImageConfig = structuredClone(image?.config ?? SCRATCH_CONFIG);
  const triggers = config.config?.OnBuild ?? [];
  // The child does not inherit the triggers it runs.
  if (config.config) config.config.OnBuild = null;
  const st: StageState = {
    stage,
    imageId: image?.id,
    config,
    base: { ref, id: image?.id ?? '' },
    args: s.args.stage(),
    escape,
    cmdSet: false,
  };
  if (triggers.length > 0) {
    out.write(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
    for (const [i, text] of triggers.entries()) {
      const ins = parseTrigger(text);
      await dispatch(s, st, ins, stepLocation(s, stage.index, `onbuild-${i}`), out);
    }
  }
  return st;
}

function checkPlatform(s: Session, stage: Stage): void {
  const raw = stage.from.platform ?? (stage.from.flags.platform as string | undefined);
  if (raw === undefined) return;
  const p = processWord(raw, { ...s.args.metaEnv(), BUILDPLATFORM: 'linux/amd64', TARGETPLATFORM: 'linux/amd64' }, s.dockerfile.directives.escape);
  if (p !== 'linux/amd64' && p !== 'linux') throw new InvalidArgument(`FROM --platform=${p}: Berth builds linux/amd64 images only`);
}

function parseTrigger(text: string): Instruction {
  const kind = text.trim().split(/\s+/, 1)[0]!.toUpperCase();
  if (kind === 'ONBUILD') throw new InvalidArgument('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (kind === 'FROM' || kind === 'MAINTAINER') throw new InvalidArgument(`${kind} isn't allowed as an ONBUILD trigger`);
  const ins = parseDockerfile(`FROM scratch\n${text}\n`, 'ONBUILD trigger').stages[0]!.instructions[0];
  if (!ins) throw new InvalidArgument(`invalid ONBUILD trigger: ${text}`);
  return ins;
}

async function dispatch(s: Session, st: StageState, ins: Instruction, location: string, out: StageOutput): Promise<void> {
  const prepared = await prepare(s, st, ins, out);
  const image = await cached(s, st, ins, prepared, location, out);
  st.imageId = image.id;
  st.config = image.config;
  if (ins.kind === 'MAINTAINER') st.maintainer = ins.name;
  if (ins.kind === 'CMD') st.cmdSet = true;
}

async function prepare(s: Session, st: StageState, ins: Instruction, out: StageOutput): Promise<PreparedStep> {
  if (METADATA.has(ins.kind)) {
    const maintainer = ins.kind === 'MAINTAINER' ? ins.name : st.maintainer;
    const res = applyMetadata(st, ins);
    // ARG declares for this step's own history and for what follows.
    for (const [name, def] of res.declare ?? []) st.args.declare(name, def);
    // Docker comments with the shell in force after the step (SHELL shows its own).
    const createdBy = nopCreatedBy(res.runtime.Shell?.length ? res.runtime.Shell : shellOf(st), res.comment);
    return {
      createdBy,
      inputs: inputsOf(st, createdBy),
      execute: () => s.backend.writeImage(st.imageId, makeDraft(s, { ...st, maintainer }, res.runtime, createdBy, true)),
    };
  }
  switch (ins.kind) {
    case 'RUN':
      return runStep(s, st, ins, out);
    case 'COPY':
    case 'ADD':
      return copyStep(s, st, ins, out);
    case 'WORKDIR':
      return workdirStep(s, st, ins);
    default:
      throw new InvalidArgument(`unknown instruction: ${ins.kind}`);
  }
}

async function cached(s: Session, st: StageState, ins: Instruction, p: PreparedStep, location: string, out: StageOutput): Promise<BuildImage> {
  const parent = st.imageId ?? '';
  if (!s.opts.noCache) {
    const hit = await lookup(s, parent, p.createdBy);
    if (hit) {
      out.write(' ---> Using cache\n');
      s.cache.remember(location, p.inputs);
      return hit;
    }
    out.write(` ---> Cache miss: ${ins.original}: ${explainMiss(s.cache.previous(location), p.inputs)}\n`);
  }
  const image = await p.execute();
  s.cache.record(parent, p.createdBy, image.id);
  s.cache.remember(location, p.inputs);
  return image;
}

/** A cached image for (parent, created_by) that still exists; with --cache-from only among those images. */
async function lookup(s: Session, parent: string, createdBy: string): Promise<BuildImage | undefined> {
  if (s.cacheFromSet) {
    if (!parent) return undefined;
    for (const child of s.backend.childrenOf(parent)) {
      if (!s.cacheFromSet.has(child)) continue;
      const img = await s.backend.getImage(child);
      const last = img?.config.history?.at(-1);
      if (img && last?.created_by === createdBy) return img;
    }
    return undefined;
  }
  const id = s.cache.lookup(parent, createdBy);
  return id ? s.backend.getImage(id) : undefined;
}

export { runtimeOf };
