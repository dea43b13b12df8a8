import type { StepInputs } from './build-cache.js';

/**
 * Why a step missed the cache, from what the same step (same tag, Dockerfile, stage and
 * position) depended on last time. The first difference in dependency order wins: base
 * image, earlier steps, the instruction, build args, source files.
 */
export function explainMiss(prev: StepInputs | undefined, cur: StepInputs): string {
  if (!prev) return 'no earlier build of this step to compare with';
  if (cur.parent !== prev.parent) {
    if (cur.base && prev.base && cur.base.ref !== prev.base.ref) return `base image changed from ${shown(prev.base.ref)} to ${shown(cur.base.ref)}`;
    if (cur.base && prev.base && cur.base.id !== prev.base.id) return `base image ${shown(cur.base.ref)} changed`;
    return 'an earlier step changed';
  }
  const args = argChange(prev.args, cur.args);
  if (args) return args;
  if (cur.source && prev.source && cur.source.id !== prev.source.id) return `source ${cur.source.name} changed`;
  if (prev.instruction !== cur.instruction && !sameShape(prev, cur)) return `instruction changed (was: ${prev.instruction})`;
  if (cur.files && prev.files) {
    const files = fileChange(prev.files, cur.files);
    if (files) return files;
  }
  if (prev.instruction !== cur.instruction) return `instruction changed (was: ${prev.instruction})`;
  return 'the cached image is gone (removed or pruned)';
}

/** A reference as the user thinks of it: `busybox` is `busybox:latest`. */
function shown(ref: string): string {
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  return ref === 'scratch' || last.includes(':') || ref.includes('@') ? ref : `${ref}:latest`;
}

/** COPY keys carry content hashes: differing only there is a file change, not an edit. */
function sameShape(a: StepInputs, b: StepInputs): boolean {
  return a.files !== undefined && b.files !== undefined && strip(a.instruction) === strip(b.instruction);
}

function strip(s: string): string {
  return s.replace(/\b(file|dir|multi|context|source):[a-f0-9]{64}\b/g, '');
}

function argChange(prev: Record<string, string>, cur: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(cur)) {
    if (!(k in prev)) return `build arg ${k} added (now ${v})`;
    if (prev[k] !== v) return `build arg ${k} changed (was ${prev[k]}, now ${v})`;
  }
  for (const k of Object.keys(prev)) if (!(k in cur)) return `build arg ${k} removed (was ${prev[k]})`;
  return undefined;
}

function fileChange(prev: Record<string, string>, cur: Record<string, string>): string | undefined {
  const changed: string[] = [];
  for (const [p, h] of Object.entries(cur)) {
    if (!(p in prev)) changed.push(`file ${p} added`);
    else if (prev[p] !== h) changed.push(`file ${p} changed`);
  }
  for (const p of Object.keys(prev)) if (!(p in cur)) changed.push(`file ${p} removed`);
  if (changed.length === 0) return undefined;
  return changed.length === 1 ? changed[0] : `${changed[0]} (and ${changed.length - 1} more)`;
}
