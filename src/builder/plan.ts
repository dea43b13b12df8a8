import { InvalidArgument } from '../core/errors.js';
import type { Dockerfile, Stage } from './dockerfile/ast.js';
import { processWord } from './dockerfile/shell-lex.js';

/** Finds a stage by `AS` name (case-insensitive) or position; undefined when `ref` names neither. */
export function findStage(df: Dockerfile, ref: string, before = df.stages.length): Stage | undefined {
  const lower = ref.toLowerCase();
  const named = df.stages.slice(0, before).find((s) => s.name === lower);
  if (named) return named;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i < before) return df.stages[i];
  }
  return undefined;
}

/**
 * The stages a build of `target` needs, in file order: the target and, transitively,
 * every stage its FROM or a COPY --from names. Stages nothing needs are skipped (BuildKit's
 * behaviour; the classic builder built them all). Names are expanded with the meta args,
 * as the FROM lines themselves are.
 */
export function neededStages(df: Dockerfile, target: Stage, metaEnv: Record<string, string>): Stage[] {
  const need = new Set<number>();
  const visit = (s: Stage) => {
    if (need.has(s.index)) return;
    need.add(s.index);
    for (const dep of stageDependencies(df, s, metaEnv)) visit(dep);
  };
  visit(target);
  return df.stages.filter((s) => need.has(s.index));
}

export function stageDependencies(df: Dockerfile, s: Stage, metaEnv: Record<string, string>): Stage[] {
  const out: Stage[] = [];
  const expand = (w: string) => processWord(w, metaEnv, df.directives.escape);
  const fromStage = findStage(df, expand(s.from.image), s.index);
  if (fromStage && !/^\d+$/.test(expand(s.from.image))) out.push(fromStage);
  for (const ins of s.instructions) {
    if ((ins.kind === 'COPY' || ins.kind === 'ADD') && ins.flags.from !== undefined) {
      const ref = expand(ins.flags.from);
      const dep = findStage(df, ref, s.index);
      if (dep) out.push(dep);
      else if (findStage(df, ref) !== undefined) throw new InvalidArgument(`invalid from flag value ${ref}: stage ${ref} is defined after this one`);
    }
  }
  return out;
}

/** `--target`: Docker's wording when it names no stage. */
export function targetStage(df: Dockerfile, target: string | undefined): Stage {
  if (!target) return df.stages[df.stages.length - 1]!;
  const s = df.stages.find((x) => x.name === target.toLowerCase());
  if (!s) throw new InvalidArgument(`failed to reach build target ${target} in Dockerfile`);
  return s;
}
