import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, access, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../..');
export const BERTHD = join(REPO, 'dist/berthd.js');
export const BERTH = join(REPO, 'dist/berth.js');
export const DOCKER = '/usr/local/bin/docker';

export interface Daemon {
  root: string;
  dataRoot: string;
  execRoot: string;
  socket: string;
  host: string;
  proc: ChildProcess;
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET' }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('error', () => res(false));
    req.end();
  });
}

/** Starts a real berthd on a temp data root, exec root and socket; waits until it answers. */
export async function startDaemon(extraArgs: string[] = [], reuse?: { root: string }): Promise<Daemon> {
  const root = reuse?.root ?? (await mkdtemp(join(tmpdir(), 'berth-it-')));
  const dataRoot = join(root, 'data');
  const execRoot = join(root, 'exec');
  const socket = join(execRoot, 'berth.sock');
  const proc = spawn(process.execPath, [BERTHD, '--data-root', dataRoot, '--exec-root', execRoot, '--log-level', 'debug', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) throw new Error(`berthd exited with ${proc.exitCode}:\n${log}`);
    if (await ping(socket)) break;
    await new Promise((r) => setTimeout(r, 100));
    if (i === 99) throw new Error(`berthd did not answer on ${socket}:\n${log}`);
  }
  return {
    root,
    dataRoot,
    execRoot,
    socket,
    host: `unix://${socket}`,
    proc,
    log: () => log,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Stops the daemon and removes its directories, unmounting whatever is left below them. */
export async function destroyDaemon(d: Daemon): Promise<void> {
  await d.stop();
  await run('sh', ['-c', `grep -o " ${d.root}[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l`]).catch(() => undefined);
  await rm(d.root, { recursive: true, force: true });
}

export interface CmdResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin; never throws on a non-zero exit. */
export function runCmd(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: Buffer | string; inputFile?: string } = {}): Promise<CmdResult> {
  return new Promise((res, rej) => {
    const child = spawn(file, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', rej);
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export function berth(d: Daemon, args: string[], input?: Buffer | string): Promise<CmdResult> {
  return runCmd(process.execPath, [BERTH, '-H', d.host, ...args], { input });
}

export function docker(d: Daemon, args: string[], input?: Buffer | string): Promise<CmdResult> {
  return runCmd(DOCKER, args, { env: { DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.root, 'docker-config') }, input });
}

export async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** The busybox rootfs tar the set-up makes; built here when a test runs without it. */
export async function busyboxTar(): Promise<string> {
  const cached = join(process.env.BERTH_CACHE ?? '/var/cache/berth', 'base-images/busybox.tar');
  if (await exists(cached)) return cached;
  const dir = join(tmpdir(), 'berth-test-cache');
  await mkdir(dir, { recursive: true });
  const out = join(dir, 'busybox.tar');
  if (!(await exists(out))) await run('bash', [join(REPO, 'scripts/base-images/busybox-rootfs.sh'), out]);
  return out;
}
