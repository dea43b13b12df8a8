import { mkdtemp, rm } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { InvalidArgument, messageOf } from '../../core/errors.js';
import type { RunMount } from '../backend.js';
import { copyInto, type CopySource } from '../copy/copy-write.js';
import { DirTree } from '../copy/dir-tree.js';
import type { RunInstruction } from '../dockerfile/ast.js';
import { describeRunMount, parseRunMount, type RunMountSpec } from '../dockerfile/run-mount.js';
import { processWord } from '../dockerfile/shell-lex.js';
import { fromFlagStageIndex } from '../dockerfile/stage-graph.js';
import { lexEnv, runtimeOf, type StageState } from '../dispatch/stage-state.js';
import type { StageOutput } from '../output.js';
import type { Session } from '../session.js';
import { contextHash } from './copy-step.js';
import { resolveSources } from './copy-sources.js';

/** A step's RUN --mounts: what they add to its history and cache key, and how to set them up. */
export interface StepMounts {
  /** `--mount=...` words for created_by; a bind names its content (context hashes or image ID). */
  described: string[];
  /** Context files a bind brings in (path -> hash), for the cache's miss explanations. */
  files: Record<string, string>;
  /** Prepares the mounts for one run; `release` removes the bind copies after it. */
  prepare(): Promise<{ mounts: RunMount[]; release: () => Promise<void> }>;
}

/** Where a bind's files come from: the context, or the image of a stage or a named image. */
type BindOrigin = { kind: 'context'; sources: CopySource[] } | { kind: 'image'; id: string; name: string };

export async function resolveRunMounts(s: Session, st: StageState, ins: RunInstruction, out: StageOutput): Promise<StepMounts> {
  const raw = ins.repeatedFlags?.['mount'] ?? (ins.flags.mount !== undefined ? [ins.flags.mount] : []);
  const env = lexEnv(st);
  const workdir = runtimeOf(st).WorkingDir || '/';
  const specs: RunMountSpec[] = raw.map((text) => {
    const spec = parseRunMount(processWord(text, env, st.escape));
    // BuildKit: a relative target is under the working directory.
    return { ...spec, target: posix.resolve(workdir, spec.target) };
  });
  const described: string[] = [];
  const files: Record<string, string> = {};
  const origins: Array<BindOrigin | undefined> = [];
  for (const m of specs) {
    if (m.type !== 'bind') {
      described.push(describeRunMount(m));
      origins.push(undefined);
      continue;
    }
    if (m.from === undefined) {
      const sources = await resolveSources(s.context, [m.source], 'RUN --mount', () => s.context.paths());
      described.push(describeRunMount(m, contextHash(s.context, sources, files)));
      origins.push({ kind: 'context', sources });
      continue;
    }
    const dep = fromFlagStageIndex(s.dockerfile, m.from, st.stage);
    const image = dep !== undefined ? await s.stageImage(dep) : await s.images.get(m.from, out).catch((err: unknown) => {
      throw new InvalidArgument(`invalid from flag value ${m.from}: ${messageOf(err)}`, { cause: err });
    });
    // An image's files are fixed by its ID.
    described.push(describeRunMount(m, image.id));
    origins.push({ kind: 'image', id: image.id, name: m.from });
  }

  const prepare = async () => {
    const copies: string[] = [];
    const release = async () => {
      await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
    };
    try {
      const mounts: RunMount[] = [];
      for (const [i, m] of specs.entries()) {
        const origin = origins[i];
        // Caches and tmpfs need nothing prepared: the engine makes them as the spec says.
        if (m.type !== 'bind') mounts.push(m);
        else if (origin) {
          const dir = await mkdtemp(join(s.scratchDir, 'mount-'));
          copies.push(dir);
          const source = await copyBindSource(s, origin, m.source, dir);
          mounts.push({ type: 'bind', source, target: m.target, readonly: m.readonly });
        }
      }
      return { mounts, release };
    } catch (err) {
      await release();
      throw err;
    }
  };
  return { described, files, prepare };
}

/**
 * A private copy of a bind's source in `dir`: the container may write to a read-write bind
 * without touching the context or the image, and a symlink in an image cannot point the
 * bind at the host. Returns the path to mount: `dir` for a directory, the file otherwise.
 */
async function copyBindSource(s: Session, origin: BindOrigin, source: string, dir: string): Promise<string> {
  const copy = async (sources: CopySource[]): Promise<string> => {
    const single = sources.length === 1 && sources[0]!.entry.type !== 'directory';
    const dest = single ? `/${basename(sources[0]!.entry.path) || 'file'}` : '/';
    await copyInto(dir, sources, dest, { owner: { uid: 0, gid: 0 } });
    return single ? join(dir, dest) : dir;
  };
  if (origin.kind === 'context') return copy(origin.sources);
  return s.backend.withImageRootfs(origin.id, async (root) => copy(await resolveSources(new DirTree(root, origin.name), [source], 'RUN --mount')));
}
