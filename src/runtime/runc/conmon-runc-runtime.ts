import { spawn } from 'node:child_process';
import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Internal, NotFound, messageOf } from '../../core/errors.js';
import type { CreateOptions, ResourceUpdate, Runtime, RuntimeState, RuntimeStatus } from '../../core/runtime.js';
import type { Logger } from '../../util/logger.js';
import { silentLogger } from '../../util/logger.js';
import { readExitCode, waitExitFile } from '../exit-file.js';
import { conmonArgs, conmonFiles } from './conmon-args.js';
import { releaseExecFifo } from './exec-fifo.js';
import { resolveExecutable } from './executable.js';
import { runRunc, runcErrorText } from './runc-cli.js';
import { parseSyncMessage } from './sync-message.js';
import type { SyncMessage } from './sync-message.js';

export interface ConmonRuncRuntimeOptions {
  /** Name or path of runc; conmon needs an absolute path, resolved through PATH. */
  runcPath?: string;
  /** Name or path of conmon (Debian: /usr/bin/conmon; Podman's builds: /usr/libexec/podman/conmon). */
  conmonPath?: string;
  /** runc's state directory (`runc --root`); private to this daemon. */
  runcRoot: string;
  /** Where conmon puts per-container attach socket directories; defaults to `<runcRoot>/../sockets`. */
  socketDir?: string;
  /** How long to wait for conmon to report that `runc create` finished. */
  createTimeoutMs?: number;
  logger?: Logger;
}

const RUNC_STATUSES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'stopped']);

/**
 * Runs containers with one conmon per container and runc underneath.
 *
 * conmon double-forks, so once `create` returns berthd is neither the parent of
 * conmon nor of the container: the container survives a berthd restart, conmon
 * reaps it and writes the exit code to `exitDir/<id>`. berthd finds it again with
 * `runc state` and the exit file.
 *
 * Attach: conmon serves stdin/stdout/stderr of a container on `<socketDir>/<id>/attach`,
 * a SOCK_SEQPACKET unix socket with a 1-byte stream tag per frame (1 stdin, 2 stdout,
 * 3 stderr), and takes resize events on the `winsz` fifo and control on `ctl` in the
 * bundle. Node's `net` only does SOCK_STREAM, so `conmon-attach.ts` opens it through
 * the node-unix-socket addon. Non-tty output for `logs` and attach is read from the
 * rotated k8s-file log (see `runtime/logs/`).
 */
export class ConmonRuncRuntime implements Runtime {
  readonly #runc: string;
  readonly #conmon: string;
  readonly #root: string;
  readonly #socketDir: string;
  readonly #createTimeoutMs: number;
  readonly #log: Logger;
  #resolved: Promise<{ runc: string; conmon: string }> | undefined;
  /** Init pids of the containers this runtime created and has not started yet. */
  readonly #createdInits = new Map<string, number>();

  constructor(opts: ConmonRuncRuntimeOptions) {
    this.#runc = opts.runcPath ?? 'runc';
    this.#conmon = opts.conmonPath ?? 'conmon';
    this.#root = opts.runcRoot;
    this.#socketDir = opts.socketDir ?? join(opts.runcRoot, '..', 'sockets');
    this.#createTimeoutMs = opts.createTimeoutMs ?? 60_000;
    this.#log = opts.logger ?? silentLogger;
  }

  /** Absolute paths of runc and conmon; throws FailedPrecondition when either is missing. */
  binaries(): Promise<{ runc: string; conmon: string }> {
    this.#resolved ??= (async () => ({
      runc: await resolveExecutable(this.#runc),
      conmon: await resolveExecutable(this.#conmon, ['/usr/libexec/podman', '/usr/lib/podman']),
    }))();
    this.#resolved.catch(() => {
      this.#resolved = undefined;
    });
    return this.#resolved;
  }

  async create(opts: CreateOptions): Promise<{ pid: number; conmonPid: number }> {
    const bin = await this.binaries();
    await Promise.all([mkdir(this.#root, { recursive: true, mode: 0o700 }), mkdir(this.#socketDir, { recursive: true }),
      mkdir(opts.exitDir, { recursive: true }), mkdir(opts.persistDir, { recursive: true })]);
    // A leftover exit file from an earlier run of the same id would read as "exited".
    await rm(join(opts.exitDir, opts.id), { force: true });
    const args = conmonArgs(opts, { runcPath: bin.runc, runcRoot: this.#root, socketDir: this.#socketDir });
    this.#log.debug('starting conmon', { id: opts.id, args });

    const child = spawn(bin.conmon, args, {
      cwd: opts.bundle,
      detached: true,
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    child.unref();
    const stderr = child.stdio[2] as Readable;
    const sync = child.stdio[3] as Readable;
    let stderrText = '';
    stderr.setEncoding('utf8');
    stderr.on('data', (d: string) => {
      if (stderrText.length < 64 * 1024) stderrText += d;
    });

    let message: SyncMessage;
    try {
      message = await this.#readSync(child, sync, () => stderrText);
    } finally {
      // conmon keeps its ends after the double fork; ours must not hold berthd's event loop.
      sync.destroy();
      stderr.destroy();
    }
    if (message.data < 0) {
      await this.delete(opts.id, true).catch(() => undefined);
      throw new Internal(`creating container ${opts.id}: ${runcErrorText(message.message ?? stderrText)}`);
    }
    const conmonPid = await readPidFile(conmonFiles(opts).conmonPidFile);
    this.#createdInits.set(opts.id, message.data);
    return { pid: message.data, conmonPid };
  }

  #readSync(child: ReturnType<typeof spawn>, sync: Readable, stderr: () => string): Promise<SyncMessage> {
    return new Promise<SyncMessage>((resolve, reject) => {
      let buf = '';
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        settle(() => reject(new Internal(`conmon did not report within ${this.#createTimeoutMs} ms: ${stderr()}`)));
      }, this.#createTimeoutMs);
      sync.setEncoding('utf8');
      sync.on('data', (d: string) => {
        buf += d;
        const msg = parseSyncMessage(buf);
        if (msg) settle(() => resolve(msg));
      });
      const onEnd = () =>
        settle(() => reject(new Internal(`conmon exited without reporting a pid: ${stderr().trim() || buf.trim() || 'no output'}`)));
      sync.on('end', onEnd);
      sync.on('close', onEnd);
      sync.on('error', (err) => settle(() => reject(new Internal(`reading conmon sync pipe: ${messageOf(err)}`, { cause: err }))));
      child.on('error', (err) => settle(() => reject(new Internal(`spawning conmon: ${messageOf(err)}`, { cause: err }))));
    });
  }

  async start(id: string): Promise<void> {
    const initPid = this.#createdInits.get(id);
    this.#createdInits.delete(id);
    // Without the init's pid (created before a berthd restart) only runc can judge the container.
    if (initPid !== undefined && (await releaseExecFifo(join(this.#root, id), initPid)) === 'started') return;
    await this.#runcCall('start', id);
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    await this.#runcCall('kill', id, all ? ['--all'] : [], [String(signal)]);
  }

  async pause(id: string): Promise<void> {
    await this.#runcCall('pause', id);
  }

  async resume(id: string): Promise<void> {
    await this.#runcCall('resume', id);
  }

  async update(id: string, r: ResourceUpdate): Promise<void> {
    const flags: string[] = [];
    const add = (flag: string, v: number | string | undefined) => {
      if (v !== undefined) flags.push(flag, String(v));
    };
    add('--memory', r.memory);
    add('--memory-swap', r.memorySwap);
    add('--cpu-share', r.cpuShares);
    add('--cpu-period', r.cpuPeriod);
    add('--cpu-quota', r.cpuQuota);
    add('--cpuset-cpus', r.cpusetCpus);
    add('--pids-limit', r.pidsLimit);
    if (flags.length) await this.#runcCall('update', id, flags);
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    let stdout: string;
    try {
      ({ stdout } = await this.#runcCall('state', id));
    } catch (err) {
      if (err instanceof NotFound) return undefined;
      throw err;
    }
    const raw = JSON.parse(stdout) as { id?: unknown; status?: unknown; pid?: unknown };
    const status = typeof raw.status === 'string' && RUNC_STATUSES.has(raw.status) ? (raw.status as RuntimeStatus) : undefined;
    if (!status) throw new Internal(`runc state ${id}: unexpected status ${String(raw.status)}`);
    return { id, status, pid: typeof raw.pid === 'number' ? raw.pid : 0 };
  }

  async delete(id: string, force = false): Promise<void> {
    this.#createdInits.delete(id);
    try {
      // runc keeps one state directory per container under its root: without it runc knows no such
      // container, so spawning `runc delete` (~15 ms) could only fail. Start and removal ask often.
      if (await exists(join(this.#root, id))) await this.#runcCall('delete', id, force ? ['--force'] : []);
    } catch (err) {
      if (err instanceof NotFound) return;
      throw err;
    }
    await rm(join(this.#socketDir, id), { recursive: true, force: true });
  }

  readExitCode(exitDir: string, id: string): Promise<number | undefined> {
    return readExitCode(exitDir, id);
  }

  waitExit(exitDir: string, id: string, signal?: AbortSignal): Promise<number> {
    return waitExitFile(exitDir, id, signal);
  }

  async #runcCall(verb: string, id: string, flags: string[] = [], rest: string[] = []) {
    const { runc } = await this.binaries();
    return runRunc(runc, this.#root, verb, id, flags, rest);
  }
}

async function readPidFile(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new Internal(`reading ${path}: ${messageOf(err)}`, { cause: err });
  });
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Internal(`bad pid in ${path}: ${JSON.stringify(text)}`);
  return pid;
}

/** False only when `path` is surely absent; any other doubt leaves the decision to runc. */
async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
