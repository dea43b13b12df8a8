import { InvalidArgument } from '../../core/errors.js';
import type { RunInstruction } from '../dockerfile/ast.js';
import { commandArgs } from '../dispatch/metadata-steps.js';
import { buildArgEnv, runtimeOf, shellOf, type StageState } from '../dispatch/stage-state.js';
import type { StageOutput } from '../output.js';
import { inputsOf, makeDraft, type Session } from '../session.js';
import type { PreparedStep } from '../stage-runner.js';
import { resolveRunMounts } from './run-mounts.js';

/** A failed RUN: the message and exit code Docker's classic builder reports. */
export class RunStepError extends InvalidArgument {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function short(id: string): string {
  return id.slice(0, 12);
}

/**
 * The command a RUN runs. A heredoc that is the whole command is the script itself
 * (BuildKit's reading); otherwise the heredoc bodies follow the command line for the
 * shell to read, as they would in a shell script.
 */
export function runCommand(st: StageState, ins: RunInstruction): string[] {
  if (ins.heredocs.length === 0 || ins.command.form === 'exec') return commandArgs(st, ins.command);
  const script = ins.command.script.trim();
  const only = ins.heredocs.length === 1 && /^<<-?(["']?)(\w+)\1$/.test(script);
  if (only) {
    const body = ins.heredocs[0]!.content;
    if (body.startsWith('#!')) {
      // A script with its own interpreter line runs under that interpreter, from a temp file.
      const wrapped = `f=$(mktemp) && cat > "$f" <<'BERTH_HEREDOC_EOF'\n${body}BERTH_HEREDOC_EOF\nchmod +x "$f" && "$f"; rc=$?; rm -f "$f"; exit $rc`;
      return [...shellOf(st), wrapped];
    }
    return [...shellOf(st), body];
  }
  const full = [script, ...ins.heredocs.map((h) => `${h.content}${h.name}`)].join('\n');
  return [...shellOf(st), full];
}

/**
 * RUN: a container from the stage's image runs the command with the build args in its
 * environment; its changes become the step's layer. History and cache key carry the
 * build args as Docker's `|N K=V ...` prefix, so a changed arg misses the cache.
 */
export async function runStep(s: Session, st: StageState, ins: RunInstruction, out: StageOutput): Promise<PreparedStep> {
  if (ins.flags.security !== undefined && ins.flags.security !== 'sandbox') throw new InvalidArgument(`RUN --security=${ins.flags.security} is not supported by Berth's builder`);
  // RUN --network (BuildKit's) overrides the build's --network for this step.
  const network = ins.flags.network ?? s.opts.networkMode;
  if (!['default', 'none', 'host'].includes(network) && ins.flags.network !== undefined) throw new InvalidArgument(`unsupported network mode for RUN: ${network}`);
  const cmd = runCommand(st, ins);
  const argEnv = buildArgEnv(st);
  const shown = argEnv.filter((e) => !st.args.isUnreferencedBuiltin(e.split('=', 1)[0]!)).sort();
  // Mounts go in created_by (and so in the cache key) as BuildKit's history shows them, a bind with its content.
  const mounts = await resolveRunMounts(s, st, ins, out);
  const saveCmd = [...(shown.length > 0 ? [`|${shown.length}`, ...shown] : []), ...mounts.described, ...cmd];
  const createdBy = saveCmd.join(' ');
  return {
    createdBy,
    inputs: inputsOf(st, createdBy, Object.keys(mounts.files).length > 0 ? { files: mounts.files } : {}),
    execute: async () => {
      if (!st.imageId) throw new InvalidArgument('Please provide a source image with `from` prior to run');
      const rt = runtimeOf(st);
      let containerId = '';
      const prepared = await mounts.prepare();
      const { exitCode, containerId: id } = await s.backend.runContainer(
        {
          mounts: prepared.mounts,
          image: st.imageId,
          cmd,
          env: [...(rt.Env ?? []), ...argEnv],
          user: rt.User ?? '',
          workdir: rt.WorkingDir ?? '',
          networkMode: network,
          onStart: (cid) => {
            containerId = cid;
            out.write(` ---> Running in ${short(cid)}\n`);
          },
        },
        (data) => out.write(data.toString('utf8')),
        s.signal,
      ).finally(prepared.release);
      containerId ||= id;
      if (exitCode !== 0) {
        if (s.opts.forceRm) await removeIntermediate(s, containerId, out);
        throw new RunStepError(`The command '${cmd.join(' ')}' returned a non-zero code: ${exitCode}`, exitCode);
      }
      try {
        return await s.backend.commitContainer(containerId, makeDraft(s, st, structuredClone(rt), createdBy, false), s.signal);
      } finally {
        if (s.opts.rm || s.opts.forceRm) await removeIntermediate(s, containerId, out);
      }
    },
  };
}

async function removeIntermediate(s: Session, id: string, out: StageOutput): Promise<void> {
  try {
    await s.backend.removeContainer(id);
    out.write(` ---> Removed intermediate container ${short(id)}\n`);
  } catch (err) {
    out.write(`Error removing intermediate container ${short(id)}: ${(err as Error).message}\n`);
  }
}
