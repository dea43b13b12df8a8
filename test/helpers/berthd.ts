import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, access, mkdir, readFile, writeFile, readdir } from 'node:fs/promises';
import { randomBytes, randomInt } from 'node:crypto';
import { removeFirewall } from '../../src/network/iptables-firewall.js';
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
  network: DaemonNetwork;
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

/** A test daemon's own bridge, subnets and iptables chains, so concurrent daemons never share one. */
export interface DaemonNetwork {
  bridge: string;
  bip: string;
  pool: string;
  chainPrefix: string;
}

async function hostRoutes(): Promise<Array<[number, number]>> {
  const text = await readFile('/proc/net/route', 'utf8');
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8)
    .map((f) => [Buffer.from(f[1]!, 'hex').readUInt32LE(0), Buffer.from(f[7]!, 'hex').readUInt32LE(0)] as [number, number]);
}

/** Random /24 for the bridge and /20 pool in 10.0.0.0/8 that no host route overlaps (re-rolled otherwise). */
async function pickDaemonNetwork(): Promise<DaemonNetwork> {
  const routes = await hostRoutes();
  const free = (a: number, b: number, c: number) =>
    !routes.some(([dst, mask]) => mask !== 0 && ((dst ^ (a | (b << 8) | (c << 16))) & mask & 0xf0ffff) === 0);
  for (;;) {
    const [b1, c1] = [30 + randomInt(90), randomInt(256)];
    const [b2, c2] = [128 + randomInt(100), 16 * randomInt(16)];
    if (!free(10, b1, c1) || !free(10, b2, c2)) continue;
    const sfx = randomBytes(3).toString('hex');
    return { bridge: `bt${sfx}`, bip: `10.${b1}.${c1}.1/24`, pool: `base=10.${b2}.${c2}.0/20,size=24`, chainPrefix: `BERTH-${sfx}` };
  }
}

function networkArgs(n: DaemonNetwork): string[] {
  return ['--bridge', n.bridge, '--bip', n.bip, '--default-address-pool', n.pool, '--iptables-chain-prefix', n.chainPrefix];
}

/** Starts a real berthd on a temp data root, exec root and socket; waits until it answers. */
export async function startDaemon(extraArgs: string[] = [], reuse?: { root: string }): Promise<Daemon> {
  const root = reuse?.root ?? (await mkdtemp(join(tmpdir(), 'berth-it-')));
  const dataRoot = join(root, 'data');
  const execRoot = join(root, 'exec');
  const socket = join(execRoot, 'berth.sock');
  // A restarted daemon keeps the bridge, subnets and chains it had.
  const netFile = join(root, 'network.json');
  const net = await readFile(netFile, 'utf8').then(
    (t) => JSON.parse(t) as DaemonNetwork,
    async () => {
      const n = await pickDaemonNetwork();
      await writeFile(netFile, JSON.stringify(n));
      return n;
    },
  );
  const proc = spawn(process.execPath, [BERTHD, '--data-root', dataRoot, '--exec-root', execRoot, '--log-level', 'debug', ...networkArgs(net), ...extraArgs], {
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
    network: net,
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
  await removeDaemonNetwork(d);
  await rm(d.root, { recursive: true, force: true });
}

/** Deletes what a test daemon made on the host: its bridges (and veths left on them) and its iptables chains. */
export async function removeDaemonNetwork(d: Daemon): Promise<void> {
  const bridges = new Set([d.network.bridge]);
  const records = await readFile(join(d.dataRoot, 'network/networks.json'), 'utf8').then(
    (t) => JSON.parse(t) as Array<{ Bridge?: string }>,
    () => [],
  );
  for (const r of records) if (r.Bridge) bridges.add(r.Bridge);
  for (const br of bridges) {
    for (const port of await readdir(`/sys/class/net/${br}/brif`).catch(() => [] as string[])) await run('ip', ['link', 'del', port]).catch(() => undefined);
    await run('ip', ['link', 'del', br]).catch(() => undefined);
  }
  await removeFirewall(d.network.chainPrefix).catch(() => undefined);
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
