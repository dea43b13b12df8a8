import { InvalidArgument } from '../core/errors.js';
import type { BuildBackend, BuildImage } from './backend.js';
import type { BuildCache } from './cache/build-cache.js';
import type { BuildContext } from './context/build-context.js';
import type { Instruction, LabelInstruction, Stage } from './dockerfile/ast.js';
import { parseDockerfileWithWarnings } from './dockerfile/parse.js';
import { planStages } from './dockerfile/stage-graph.js';
import { processWord } from './dockerfile/shell-lex.js';
import { BuildArgs, SOURCE_DATE_EPOCH } from './dispatch/build-args.js';
import { ImageSources } from './dispatch/image-sources.js';
import { OrderedOutput, type BuildProgress } from './output.js';
import type { BuildOptions, Session } from './session.js';
import { runStage } from './stage-runner.js';

export interface BuildInput {
  context: BuildContext;
  opts: BuildOptions;
  backend: BuildBackend;
  cache: BuildCache;
  scratchDir: string;
  signal: AbortSignal;
}

/**
 * Builds the Dockerfile of `context`. Everything that can be checked without running a
 * step (the Dockerfile exists and parses, the target exists, build args) is checked
 * before any output, so such failures reach the client as plain API errors. Stages run
 * concurrently as far as COPY --from / FROM <stage> allow; output keeps file order.
 */
export async function runBuild(input: BuildInput, progress: BuildProgress): Promise<BuildImage> {
  const { context, opts } = input;
  const text = await context.readText(opts.dockerfile);
  if (text === undefined) throw new InvalidArgument(`Cannot locate specified Dockerfile: ${opts.dockerfile}`);
  const { dockerfile: df, warnings } = parseDockerfileWithWarnings(text, opts.dockerfile);
  await context.applyDockerignore();

  const args = new BuildArgs(opts.buildArgs);
  for (const meta of df.metaArgs) {
    for (const a of meta.args) {
      const def = a.defaultValue !== undefined ? processWord(a.defaultValue, args.metaEnv(), df.directives.escape) : undefined;
      args.addMeta(a.name, def);
    }
  }
  const plan = planStages(df, { ...(opts.target !== undefined ? { target: opts.target } : {}), metaEnv: args.metaEnv() });
  const target = df.stages[plan.target]!;
  // Numbered and printed in file order; started dependencies first, so a stage's
  // dependencies are always running when it asks for them.
  const stages = plan.order.map((p) => p.stage).sort((a, b) => a.index - b.index);
  const epochText = opts.buildArgs[SOURCE_DATE_EPOCH];
  let epoch: number | undefined;
  if (epochText !== undefined && epochText !== null && epochText !== '') {
    if (!/^\d+$/.test(epochText)) throw new InvalidArgument(`invalid SOURCE_DATE_EPOCH: ${epochText}`);
    epoch = Number(epochText);
  }
  const labels = labelInstructions(opts.labels, df.stages.indexOf(target));
  const total = df.metaArgs.length + stages.reduce((n, s) => n + 1 + s.instructions.length, 0) + labels.length;

  for (const w of warnings) progress.stream(`[WARNING]: ${w}\n`);
  let step = 1;
  for (const meta of df.metaArgs) progress.stream(`Step ${step++}/${total} : ${meta.original}\n`);

  const internal = new AbortController();
  const signal = AbortSignal.any([input.signal, internal.signal]);
  const output = new OrderedOutput(progress, stages.length);
  const running = new Map<number, Promise<BuildImage>>();
  const cacheFromSet = opts.cacheFrom.length > 0 ? await cacheFromImages(input.backend, opts.cacheFrom) : undefined;
  const session: Session = {
    backend: input.backend,
    cache: input.cache,
    context,
    dockerfile: df,
    opts,
    args,
    ...(epoch !== undefined ? { epoch } : {}),
    scratchDir: input.scratchDir,
    signal,
    images: new ImageSources(input.backend, opts.pull, signal),
    ...(cacheFromSet ? { cacheFromSet } : {}),
    stageImage: (index) => {
      const p = running.get(index);
      if (!p) throw new InvalidArgument(`stage ${df.stages[index]?.name ?? index} is not part of this build's plan (a stage reference that depends on a stage ARG?)`);
      return p;
    },
  };
  const firstSteps = new Map<number, number>();
  for (const s of stages) {
    firstSteps.set(s.index, step);
    step += 1 + s.instructions.length;
  }
  const channelOf = new Map(stages.map((s, i) => [s.index, i]));
  for (const { stage: s } of plan.order) {
    const i = channelOf.get(s.index)!;
    const extra: Instruction[] = s === target ? labels : [];
    const p = runStage(session, s, firstSteps.get(s.index)!, total, extra, output.channel(i)).finally(() => output.finish(i));
    // The first failure stops the other stages at their next step.
    p.catch(() => internal.abort());
    running.set(s.index, p);
  }
  try {
    const results = await Promise.allSettled(running.values());
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      output.flushAll();
      throw failed.reason;
    }
  } finally {
    await input.cache.save();
  }
  const unused = args.unused();
  if (unused.length > 0) progress.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
  return running.get(target.index)!;
}

/** `--label k=v` becomes `LABEL k=v` steps at the end of the target stage, sorted by key. */
function labelInstructions(labels: Record<string, string>, stageIndex: number): LabelInstruction[] {
  return Object.keys(labels)
    .sort()
    .map((k) => ({
      kind: 'LABEL',
      pairs: [[quoteWord(k), quoteWord(labels[k]!)]],
      original: `LABEL ${k}=${labels[k]}`,
      flags: {},
      loc: { file: `--label`, line: stageIndex, endLine: stageIndex },
    }));
}

/** A value given on the command line is literal: quoted so the lexer leaves it as is. */
function quoteWord(v: string): string {
  return `'${v.replace(/'/g, `'"'"'`)}'`;
}

/** --cache-from: the named images and every image they were built on. */
async function cacheFromImages(backend: BuildBackend, refs: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const ref of refs) {
    const img = await backend.getImage(ref);
    for (let id = img?.id; id && !out.has(id); id = backend.parentOf(id)) out.add(id);
  }
  return out;
}

export type { Stage };
