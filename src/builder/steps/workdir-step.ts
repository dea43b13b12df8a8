import { lstat, mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { resolveInScope } from '../../archive/scoped-path.js';
import { InvalidArgument } from '../../core/errors.js';
import type { WorkdirInstruction } from '../dockerfile/ast.js';
import { processWord } from '../dockerfile/shell-lex.js';
import { nopCreatedByOneArg } from '../dispatch/history.js';
import { cloneRuntime, lexEnv, runtimeOf, shellOf, type StageState } from '../dispatch/stage-state.js';
import { inputsOf, makeDraft, type Session } from '../session.js';
import type { PreparedStep } from '../stage-runner.js';

/** Creates `path` (inside the container) under `rootfs`, following the image's symlinks in scope. */
export async function mkdirInRoot(rootfs: string, path: string): Promise<string> {
  const rel = await resolveInScope(rootfs, path);
  const host = join(rootfs, rel);
  await mkdir(host, { recursive: true, mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOTDIR' || err.code === 'EEXIST') throw new InvalidArgument(`mkdir ${path}: not a directory`);
    throw err;
  });
  if (!(await lstat(host)).isDirectory()) throw new InvalidArgument(`mkdir ${path}: not a directory`);
  return rel;
}

/**
 * WORKDIR: sets the working directory (relative to the previous one) and creates it,
 * as Docker does since 1.13, so the directory exists even if no RUN follows. An
 * existing directory makes no layer.
 */
export function workdirStep(s: Session, st: StageState, ins: WorkdirInstruction): PreparedStep {
  const raw = processWord(ins.path, lexEnv(st), st.escape);
  if (raw === '') throw new InvalidArgument('cannot normalize nothing');
  const current = runtimeOf(st).WorkingDir || '/';
  const workdir = posix.resolve(current, raw);
  const createdBy = nopCreatedByOneArg(shellOf(st), `WORKDIR ${workdir}`);
  const rt = cloneRuntime(runtimeOf(st));
  rt.WorkingDir = workdir;
  return {
    createdBy,
    inputs: inputsOf(st, createdBy),
    execute: () =>
      s.backend.commitFiles(
        st.imageId,
        async (rootfs) => {
          await mkdirInRoot(rootfs, workdir);
        },
        makeDraft(s, st, rt, createdBy, false),
        s.signal,
      ),
  };
}
