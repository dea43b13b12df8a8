import { randomBytes } from 'node:crypto';
import { Conflict, InvalidArgument, messageOf } from '../../core/errors.js';
import type { ExecProcess, ExecRuntime } from '../../core/stdio.js';
import type { ContainerRecord } from '../containers/container-record.js';
import { parseDetachKeys } from '../../core/detach-keys.js';
import type { DaemonContext } from '../context.js';
import { rootfsOf } from '../containers/container-runner.js';
import { resolveUser } from '../containers/resolve-user.js';
import type { ExecRecord, ExecStore } from './exec-record.js';
import type { ExecCreateBody, StartedExec } from '../../core/wire/exec.js';

export interface ExecDeps {
  ctx: DaemonContext;
  execs: ExecStore;
  runtime: ExecRuntime;
}

function runningContainer(ctx: DaemonContext, ref: string) {
  const c = ctx.containers.store.get(ref);
  if (!c.State.Running) throw new Conflict(`Container ${c.Id} is not running`);
  if (c.State.Paused) throw new Conflict(`Container ${c.Id} is paused, unpause the container before exec`);
  if (c.State.Restarting) throw new Conflict(`Container ${c.Id} is restarting, wait until the container is running`);
  return c;
}

export function createExec(d: ExecDeps, ref: string, body: ExecCreateBody | undefined): { Id: string } {
  const c = runningContainer(d.ctx, ref);
  const cmd = body?.Cmd ?? [];
  if (cmd.length === 0) throw new InvalidArgument('No exec command specified');
  if (body?.DetachKeys) parseDetachKeys(body.DetachKeys);
  const id = randomBytes(32).toString('hex');
  d.execs.add({
    ID: id,
    ContainerID: c.Id,
    Running: false,
    ExitCode: null,
    Pid: 0,
    OpenStdin: body?.AttachStdin ?? false,
    OpenStdout: body?.AttachStdout ?? false,
    OpenStderr: body?.AttachStderr ?? false,
    CanRemove: false,
    DetachKeys: body?.DetachKeys ?? '',
    ProcessConfig: { privileged: body?.Privileged ?? false, user: body?.User ?? '', tty: body?.Tty ?? false, entrypoint: cmd[0]!, arguments: cmd.slice(1) },
    Env: body?.Env ?? [],
    WorkingDir: body?.WorkingDir ?? '',
    Started: false,
  });
  return { Id: id };
}

/** Later entries win, by variable name, as Docker merges container and exec env. */
function mergeEnv(...lists: string[][]): string[] {
  const out = new Map<string, string>();
  for (const list of lists) for (const e of list) out.set(e.split('=', 1)[0]!, e);
  return [...out.values()];
}

/**
 * The process an exec (or a healthcheck probe) runs in `c`: the container's env, user, groups
 * (`--group-add` included) and working directory, each overridden by what the exec gives.
 */
export async function execProcess(
  ctx: DaemonContext,
  c: ContainerRecord,
  p: { args: string[]; user?: string; env?: string[]; cwd?: string; tty: boolean },
): Promise<ExecProcess> {
  const user = await resolveUser(rootfsOf(ctx, c.Id), p.user || c.Config.User, c.HostConfig.GroupAdd ?? []);
  const base = [...(c.Config.Env ?? []), `HOSTNAME=${c.Config.Hostname ?? c.Id.slice(0, 12)}`, `HOME=${user.home}`];
  if (p.tty) base.push('TERM=xterm');
  return {
    args: p.args,
    env: mergeEnv(base, p.env ?? []),
    cwd: p.cwd || c.Config.WorkingDir || '/',
    uid: user.uid,
    gid: user.gid,
    additionalGids: user.additionalGids,
    terminal: p.tty,
  };
}

/** Docker's exit codes for an exec that could not start: 127 not found, 126 otherwise. */
function startFailureCode(message: string): number {
  return /executable file not found|no such file or directory/i.test(message) ? 127 : 126;
}

/**
 * Starts the exec process. A start failure is recorded (ExitCode 126/127) and
 * thrown with Docker's `OCI runtime exec failed` wording.
 */
export async function startExec(d: ExecDeps, id: string, opts: { detach: boolean; consoleSize?: [number, number] }): Promise<StartedExec> {
  const rec = d.execs.get(id);
  if (rec.Started) throw new Conflict(rec.Running ? `Exec command ${id} is already running` : `Exec command ${id} has already run`);
  const c = runningContainer(d.ctx, rec.ContainerID);
  rec.Started = true;
  const tty = rec.ProcessConfig.tty;
  try {
    const size = opts.consoleSize;
    const proc = await execProcess(d.ctx, c, {
      args: [rec.ProcessConfig.entrypoint, ...rec.ProcessConfig.arguments],
      user: rec.ProcessConfig.user,
      env: rec.Env,
      cwd: rec.WorkingDir,
      tty,
    });
    const started = await d.runtime.start({
      containerId: c.Id,
      execId: id,
      stdin: rec.OpenStdin,
      attach: !opts.detach,
      process: {
        ...proc,
        capabilities: rec.ProcessConfig.privileged ? [...d.ctx.containers.hostCapabilities] : undefined,
        consoleSize: size && size[0] > 0 && size[1] > 0 ? { height: size[0], width: size[1] } : undefined,
      },
    });
    rec.Running = true;
    rec.Pid = started.pid;
    const exited = d.runtime.waitExit(c.Id, id).then(
      (code) => {
        rec.Running = false;
        rec.ExitCode = code;
        rec.Pid = 0;
        // The exit code is recorded: the client's stream may end now, the directory goes meanwhile.
        void d.runtime.remove(id).catch(() => undefined);
      },
      (err: unknown) => d.ctx.logger.warn('waiting for exec exit failed', { id, error: messageOf(err) }),
    );
    return { record: rec, connection: started.connection, exited };
  } catch (err) {
    const msg = messageOf(err);
    rec.Running = false;
    rec.ExitCode = startFailureCode(msg);
    await d.runtime.remove(id).catch(() => undefined);
    throw new Conflict(`OCI runtime exec failed: ${msg}: unknown`, { cause: err });
  }
}

export function inspectExec(d: ExecDeps, id: string) {
  const { Env: _env, WorkingDir: _wd, Started: _s, ...rest } = d.execs.get(id);
  return rest;
}

export async function resizeExec(d: ExecDeps, id: string, height: number, width: number): Promise<void> {
  const rec = d.execs.get(id);
  if (!rec.Running) throw new Conflict(`Exec ${id} is not running`);
  await d.runtime.resize(id, height, width);
}

export function execBackend(d: ExecDeps) {
  return {
    create: (ref: string, body: ExecCreateBody | undefined) => createExec(d, ref, body),
    start: (id: string, opts: { detach: boolean; consoleSize?: [number, number] }) => startExec(d, id, opts),
    inspect: (id: string) => inspectExec(d, id),
    resize: (id: string, h: number, w: number) => resizeExec(d, id, h, w),
  };
}
