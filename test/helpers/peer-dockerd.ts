import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DOCKER, exists, runCmd, type CmdResult } from './berthd.js';

/**
 * Debian's dockerd on its own roots, socket and containerd namespace: a real peer for
 * side-by-side tests (archives, registries). Returns a reason string instead when it
 * cannot run here, so tests skip rather than fail.
 */
export interface PeerDockerd {
  root: string;
  host: string;
  docker(args: string[], input?: Buffer): Promise<CmdResult>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ping(socket: string): Promise<boolean> {
  return new Promise((res) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 2000 }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(false));
    req.end();
  });
}

export async function startPeerDockerd(): Promise<PeerDockerd | string> {
  let bin: string | undefined;
  for (const p of ['/usr/sbin/dockerd', '/usr/bin/dockerd']) if (!bin && (await exists(p))) bin = p;
  if (!bin) return 'dockerd (Debian docker.io) is not installed';
  const root = await mkdtemp(join(tmpdir(), 'berth-peer-'));
  const sock = join(root, 'docker.sock');
  const ns = `berth-peer-${basename(root).slice(-6)}`;
  const log = await open(join(root, 'dockerd.log'), 'w');
  // Never --bridge=none (it deletes docker0, which another daemon may use); no iptables changes.
  const proc: ChildProcess = spawn(bin, [
    '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '-H', `unix://${sock}`,
    '--pidfile', join(root, 'docker.pid'), '--containerd-namespace', ns,
    '--containerd-plugins-namespace', `${ns}-plugins`, '--iptables=false',
  ], { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  proc.once('error', () => undefined);
  const exited = new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
      if (!done) {
        proc.kill('SIGKILL');
        await exited;
      }
    }
    const pid = Number((await readFile(join(root, 'exec/containerd/containerd.pid'), 'utf8').catch(() => '')).trim());
    if (pid > 0 && (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).includes(root)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && (await exists(`/proc/${pid}`)); i++) await sleep(100);
    }
    await runCmd('sh', ['-c', `awk '{print $5}' /proc/self/mountinfo | grep '^${root}/' | sort -r | xargs -r -n1 umount -R -l`]);
    await rm(root, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && proc.exitCode === null && proc.signalCode === null) {
    if (await ping(sock)) {
      return {
        root,
        host: `unix://${sock}`,
        docker: (args, input) => runCmd(DOCKER, args, { env: { DOCKER_HOST: `unix://${sock}`, DOCKER_CONFIG: join(root, 'cfg') }, input }),
        stop,
      };
    }
    await sleep(200);
  }
  const tail = (await readFile(join(root, 'dockerd.log'), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
  await stop();
  return `the peer dockerd did not come up: ${tail}`;
}
