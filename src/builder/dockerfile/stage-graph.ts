// Which stages a build needs, and in what order (pure). The target stage needs the stage its FROM
// names and every stage it copies or mounts from; stages nothing needs are skipped, stages that do
// not depend on each other may be built in parallel. Stage references resolve as in Docker:
// `FROM <name>` names an EARLIER stage (so `FROM node AS node` still means the image), `COPY
// --from=<name|index>` and `RUN --mount=from=<name|index>` any other stage; anything else is an
// image reference.

import type { Dockerfile, Stage } from './ast.js';
import { InvalidArgument } from '../../core/errors.js';
import { processWord, type LexEnv } from './shell-lex.js';

export type StageBase = { kind: 'stage'; index: number } | { kind: 'image'; ref: string };

export interface PlannedStage {
  stage: Stage;
  /** What the FROM line names once meta ARGs are expanded. */
  base: StageBase;
  /** Indexes of the stages this one reads directly (FROM, COPY --from, RUN --mount from=), ascending. */
  deps: number[];
}

export interface StagePlan {
  /** Index of the stage whose result is the build's result. */
  target: number;
  /** The needed stages only, each after all of its dependencies. */
  order: PlannedStage[];
}

export interface PlanOptions {
  /** `--target` (a stage name, case-insensitive) or a stage index; default: the last stage. */
  target?: string | number;
  /** `--build-arg` values: they override the defaults of ARGs declared before the first FROM. */
  buildArgs?: Readonly<Record<string, string>>;
  /** Args every FROM can use without declaring them (BuildKit's TARGETPLATFORM, BUILDARCH, ...). */
  predefinedArgs?: Readonly<Record<string, string>>;
  /** The meta-arg environment already computed by the caller (the dispatcher's); replaces the two above. */
  metaEnv?: Readonly<Record<string, string>>;
}

/**
 * The environment FROM lines are expanded with: predefined args, then each meta ARG in order
 * (a build arg wins over the default; a default may use earlier meta ARGs).
 */
export function metaArgEnv(
  df: Dockerfile,
  buildArgs: Readonly<Record<string, string>> = {},
  predefinedArgs: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...predefinedArgs };
  for (const ins of df.metaArgs) {
    for (const arg of ins.args) {
      if (Object.prototype.hasOwnProperty.call(buildArgs, arg.name)) env[arg.name] = buildArgs[arg.name]!;
      else if (arg.defaultValue !== undefined) env[arg.name] = processWord(arg.defaultValue, env, df.directives.escape);
    }
  }
  return env;
}

/** Resolves stage references and orders the stages `target` needs; throws InvalidArgument. */
export function planStages(df: Dockerfile, options: PlanOptions = {}): StagePlan {
  const env = options.metaEnv ?? metaArgEnv(df, options.buildArgs, options.predefinedArgs);
  const byName = stageNames(df);

  const target = resolveTarget(df, byName, options.target);
  const nodes = df.stages.map((stage) => describe(stage, df, byName, env));

  const order: PlannedStage[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number): void => {
    const st = state.get(i);
    if (st === 'done') return;
    if (st === 'visiting') throw new InvalidArgument(`circular dependency detected on stage: ${stageLabel(df.stages[i]!)}`);
    state.set(i, 'visiting');
    for (const d of nodes[i]!.deps) visit(d);
    state.set(i, 'done');
    order.push(nodes[i]!);
  };
  visit(target);
  return { target, order };
}

function resolveTarget(df: Dockerfile, byName: ReadonlyMap<string, number>, target: string | number | undefined): number {
  if (target === undefined || target === '') return df.stages.length - 1;
  if (typeof target === 'number') {
    if (!Number.isInteger(target) || target < 0 || target >= df.stages.length) {
      throw new InvalidArgument(`failed to reach build target ${target} in Dockerfile`);
    }
    return target;
  }
  // The classic builder's wording (BuildKit says `target stage "x" could not be found`).
  const index = byName.get(target.toLowerCase());
  if (index === undefined) throw new InvalidArgument(`failed to reach build target ${target} in Dockerfile`);
  return index;
}

function stageNames(df: Dockerfile): Map<string, number> {
  const byName = new Map<string, number>();
  for (const s of df.stages) if (s.name !== undefined) byName.set(s.name, s.index);
  return byName;
}

/** The stage an (expanded) FROM image names: an EARLIER stage's name only; undefined for an image. */
export function fromStageIndex(df: Dockerfile, image: string, stage: Stage): number | undefined {
  const named = stageNames(df).get(image.toLowerCase());
  return named !== undefined && named < stage.index ? named : undefined;
}

/** The stage an (expanded) `--from` value names (name or index of any other stage); undefined for an image. */
export function fromFlagStageIndex(df: Dockerfile, ref: string, stage: Stage): number | undefined {
  return stageReference(ref, stage, df, stageNames(df));
}

function describe(stage: Stage, df: Dockerfile, byName: ReadonlyMap<string, number>, env: LexEnv): PlannedStage {
  const escape = df.directives.escape;
  const image = processWord(stage.from.image, env, escape);
  const named = fromStageIndex(df, image, stage);
  const base: StageBase = named !== undefined ? { kind: 'stage', index: named } : { kind: 'image', ref: image };

  const deps = new Set<number>();
  if (base.kind === 'stage') deps.add(base.index);
  for (const ins of stage.instructions) {
    const refs: string[] = [];
    if ((ins.kind === 'COPY' || ins.kind === 'ADD') && ins.flags['from'] !== undefined) refs.push(ins.flags['from']);
    if (ins.kind === 'RUN') for (const m of ins.repeatedFlags?.['mount'] ?? []) {
      const from = mountFrom(m);
      if (from !== undefined) refs.push(from);
    }
    for (const raw of refs) {
      const ref = expandBestEffort(raw, env, escape);
      const dep = stageReference(ref, stage, df, byName);
      if (dep !== undefined) deps.add(dep);
    }
  }
  return { stage, base, deps: [...deps].sort((a, b) => a - b) };
}

/** A `--from` value as a stage index, or undefined when it names an image. */
function stageReference(ref: string, stage: Stage, df: Dockerfile, byName: ReadonlyMap<string, number>): number | undefined {
  const named = byName.get(ref.toLowerCase());
  let index = named;
  if (index === undefined && /^\d+$/.test(ref)) {
    index = Number(ref);
    if (index >= df.stages.length) throw new InvalidArgument(`invalid stage index ${ref}`);
  }
  if (index === stage.index) throw new InvalidArgument(`circular dependency detected on stage: ${stageLabel(stage)}`);
  return index;
}

/** The `from=` field of a `--mount` value (CSV of key=value). */
function mountFrom(mount: string): string | undefined {
  for (const field of mount.split(',')) {
    const eq = field.indexOf('=');
    if (eq > 0 && field.slice(0, eq).trim().toLowerCase() === 'from') return field.slice(eq + 1).trim();
  }
  return undefined;
}

/** `--from` may use stage ARGs the plan cannot know; the dispatcher expands it for real. */
function expandBestEffort(raw: string, env: LexEnv, escape: Dockerfile['directives']['escape']): string {
  try {
    return processWord(raw, env, escape);
  } catch {
    return raw;
  }
}

function stageLabel(stage: Stage): string {
  return stage.name ?? String(stage.index);
}
