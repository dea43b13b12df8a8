import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Conflict, Internal, messageOf } from '../../core/errors.js';
import type { ExecRuntime, ExecStartOptions, StdioConnection } from '../../core/stdio.js';
import type { Logger } from '../../util/logger.js';
import { silentLogger } from '../../util/logger.js';
import { waitExitFile } from '../exit-file.js';
import type { OciProcess, OciSpec } from '../spec/oci-types.js';
import { connectConmonAttach, writeConmonResize } from './conmon-attach.js';
import { liveConmonSessions } from './conmon-procs.js';
import { runcErrorText } from './runc-cli.js';
import { parseSyncMessage, type SyncMessage } from './sync-message.js';

export interface ConmonExecOptions {
  binaries: () => Promise<{ runc: string; conmon: string }>;
  runcRoot: string;
  /** Container bundles; the container's config.json gives the exec its defaults (caps, rlimits, apparmor). */
  bundleRoot: string;
  /** One directory per exec session: process.json, attach socket, ctl fifo, exit file. */
  execRoot: string;
  socketDir: string;
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * Runs exec processes through conmon's exec mode (`conmon --exec`, which runs
 * `runc exec -d` with a console socket for a TTY). conmon double-forks like it does
 * for containers, so the process and its exit code survive a berthd restart.
 *
 * Attached start, conmon's handshake (pipes passed as fds, named in the env):
 * `_OCI_STARTPIPE` ← first write lets conmon go on; `_OCI_ATTACHPIPE` → conmon bound
 * the attach socket; we connect, then a second write on the start pipe makes it run
 * the process; `_OCI_SYNCPIPE` → `{"data": pid}` (negative with a message on failure).
 * The exit code lands in `<execDir>/exits/<containerId>` (conmon names it by container).
 */
export class ConmonExec implements ExecRuntime {
  readonly #o: ConmonExecOptions;
  readonly #log: Logger;

  constructor(opts: ConmonExecOptions) {
    this.#o = opts;
    this.#log = opts.logger ?? silentLogger;
  }

  #dir(execId: string): string {
    return join(this.#o.execRoot, execId);
  }

  async #processSpec(opts: ExecStartOptions): Promise<OciProcess> {
    let base: OciProcess;
    try {
      base = (JSON.parse(await readFile(join(this.#o.bundleRoot, opts.containerId, 'config.json'), 'utf8')) as OciSpec).process;
    } catch (err) {
      throw new Conflict(`Container ${opts.containerId} is not running`, { cause: err });
    }
    const p = opts.process;
    const caps = p.capabilities
      ? { bounding: p.capabilities, effective: p.capabilities, permitted: p.capabilities, inheritable: [], ambient: [] }
      : base.capabilities;
    return {
      ...base,
      terminal: p.terminal,
      args: p.args,
      env: p.env,
      cwd: p.cwd,
      user: { uid: p.uid, gid: p.gid, additionalGids: p.additionalGids },
      capabilities: caps,
      noNewPrivileges: p.noNewPrivileges ?? base.noNewPrivileges,
      ...(p.terminal && p.consoleSize ? { consoleSize: p.consoleSize } : {}),
    };
  }

  async start(opts: ExecStartOptions): Promise<{ pid: number; connection?: StdioConnection }> {
    const bin = await this.#o.binaries();
    const dir = this.#dir(opts.execId);
    const [processSpec] = await Promise.all([
      this.#processSpec(opts),
      (async () => {
        await rm(dir, { recursive: true, force: true });
        await mkdir(join(dir, 'exits'), { recursive: true });
      })(),
      mkdir(this.#o.socketDir, { recursive: true }),
    ]);
    const spec = join(dir, 'process.json');
    // Read once, by runc exec, before start returns; a crash before that leaves an exec nobody can
    // start again (sessions live in memory), so no fsync or rename is needed here.
    await writeFile(spec, JSON.stringify(processSpec), { mode: 0o600 });
    const args = [
      '--api-version', '1',
      '-c', opts.containerId,
      '-u', opts.execId,
      '-r', bin.runc,
      '-b', dir,
      '-p', join(dir, 'pid'),
      '-l', `k8s-file:${join(dir, 'exec.log')}`,
      '--log-size-max', String(1024 * 1024),
      '--exit-dir', join(dir, 'exits'),
      '--persist-dir', dir,
      '--socket-dir-path', this.#o.socketDir,
      '--runtime-arg', `--root=${this.#o.runcRoot}`,
      '--log-level', 'info',
      '-e', '--exec-process-spec', spec,
    ];
    if (opts.attach) args.push('--exec-attach');
    if (opts.process.terminal) args.push('-t');
    if (opts.stdin) args.push('-i');
    // A TTY must not hang up when a client detaches; a pipe closes on the client's EOF, as Docker does.
    if (opts.process.terminal) args.push('--leave-stdin-open');
    this.#log.debug('starting conmon exec', { execId: opts.execId, args });

    const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' };
    if (opts.attach) env._OCI_ATTACHPIPE = '5';
    const child = spawn(bin.conmon, args, {
      cwd: dir,
      detached: true,
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', opts.attach ? 'pipe' : 'ignore'],
    });
    child.unref();
    const stderr = child.stdio[2] as Readable;
    const sync = child.stdio[3] as Readable;
    const startPipe = child.stdio[4] as Writable;
    const attachPipe = opts.attach ? ((child.stdio as unknown as Array<Readable | null>)[5] ?? undefined) : undefined;
    let stderrText = '';
    stderr.setEncoding('utf8');
    stderr.on('data', (d: string) => {
      if (stderrText.length < 64 * 1024) stderrText += d;
    });
    const spawnError = new Promise<never>((_r, reject) => child.on('error', (err) => reject(new Internal(`spawning conmon: ${messageOf(err)}`, { cause: err }))));
    spawnError.catch(() => undefined);
    let connection: StdioConnection | undefined;
    try {
      startPipe.write('0');
      if (attachPipe) {
        await Promise.race([readMessage(attachPipe, 'attach', this.#o.timeoutMs, () => stderrText), spawnError]);
        connection = await connectConmonAttach(dir);
        startPipe.write('0');
      }
      const message: SyncMessage = await Promise.race([readMessage(sync, 'sync', this.#o.timeoutMs, () => stderrText), spawnError]);
      if (message.data < 0) throw new Internal(runcErrorText(message.message ?? stderrText));
      return { pid: message.data, connection };
    } catch (err) {
      connection?.close();
      throw err;
    } finally {
      for (const s of [stderr, sync, startPipe, attachPipe]) s?.destroy();
    }
  }

  waitExit(containerId: string, execId: string, signal?: AbortSignal): Promise<number> {
    return waitExitFile(join(this.#dir(execId), 'exits'), containerId, signal);
  }

  resize(execId: string, height: number, width: number): Promise<void> {
    return writeConmonResize(this.#dir(execId), height, width);
  }

  async remove(execId: string): Promise<void> {
    await rm(this.#dir(execId), { recursive: true, force: true });
    await rm(join(this.#o.socketDir, execId), { recursive: true, force: true });
  }

  /**
   * At berthd start: removes the directories of exec sessions whose conmon is gone (the
   * sessions died with the previous berthd, which was to remove them on exit). An exec
   * still running under its conmon keeps its directory: conmon writes its exit code there.
   * Returns the ids removed.
   */
  async sweep(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.#o.execRoot);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    if (entries.length === 0) return [];
    const live = await liveConmonSessions(this.#o.execRoot);
    const gone = entries.filter((id) => !live.has(id));
    await Promise.all(gone.map((id) => this.remove(id)));
    return gone;
  }
}

/** Reads the first JSON message conmon writes on one of its pipes. */
function readMessage(pipe: Readable, what: string, timeoutMs = 30_000, stderr: () => string): Promise<SyncMessage> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const settle = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => settle(() => reject(new Internal(`conmon did not report on its ${what} pipe within ${timeoutMs} ms: ${stderr()}`))), timeoutMs);
    pipe.setEncoding('utf8');
    pipe.on('data', (d: string) => {
      buf += d;
      const msg = parseSyncMessage(buf);
      if (msg) settle(() => resolve(msg));
    });
    const onEnd = () => settle(() => reject(new Internal(`conmon exited during exec: ${runcErrorText(stderr().trim() || buf.trim() || 'no output')}`)));
    pipe.on('end', onEnd);
    pipe.on('close', onEnd);
    pipe.on('error', (err) => settle(() => reject(new Internal(`reading conmon ${what} pipe: ${messageOf(err)}`, { cause: err }))));
  });
}
