import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { BERTH, runCmd, type CmdResult, type Daemon } from '../../helpers/berthd.js';
import { freePort } from '../../helpers/net.js';

export { freePort };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function status(port: number, path = '/v2/'): Promise<number> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 1000 }, (r) => {
      r.resume();
      res(r.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(0));
    req.end();
  });
}

export interface Registry {
  port: number;
  /** `127.0.0.1:<port>` */
  host: string;
  root: string;
  stop(): Promise<void>;
}

/** Debian's docker-registry (distribution 2.8) on a loopback port, filesystem storage in a temp dir. */
export async function startDockerRegistry(opts: { htpasswd?: { user: string; password: string } } = {}): Promise<Registry> {
  const root = await mkdtemp(join(tmpdir(), 'berth-reg-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    let auth = '';
    if (opts.htpasswd) {
      const hash = bcrypt.hashSync(opts.htpasswd.password, 10);
      await writeFile(join(root, 'htpasswd'), `${opts.htpasswd.user}:${hash}\n`);
      auth = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(root, 'htpasswd')}\n`;
    }
    await writeFile(
      join(root, 'config.yml'),
      `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${join(root, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
    );
    const proc: ChildProcess = spawn('docker-registry', ['serve', join(root, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    for (let i = 0; i < 100 && proc.exitCode === null; i++) {
      const s = await status(port);
      if (s === 200 || s === 401) {
        return {
          port,
          host: `127.0.0.1:${port}`,
          root,
          stop: async () => {
            if (proc.exitCode === null) proc.kill('SIGTERM');
            await exited;
            await rm(root, { recursive: true, force: true });
          },
        };
      }
      await sleep(100);
    }
    proc.kill('SIGKILL');
    await exited;
    if (attempt >= 2) throw new Error(`docker-registry did not come up:\n${log}`);
  }
}

export interface Front {
  port: number;
  host: string;
  /** `METHOD /path` of every request that reached the front, in order. */
  requests: string[];
  /** Requests for the token endpoint. */
  tokenRequests: string[];
  blobGets(): string[];
  reset(): void;
  stop(): Promise<void>;
}

/**
 * A small HTTP front for a docker-registry that records every request and, with
 * `bearer`, demands a Bearer token issued by its own `/token` endpoint (for the
 * given user, or anyone when the user is undefined) before proxying.
 */
export async function startFront(target: number, opts: { bearer?: { user?: string; password?: string } } = {}): Promise<Front> {
  const requests: string[] = [];
  const tokenRequests: string[] = [];
  const tokens = new Set<string>();
  let port = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://front');
    if (url.pathname === '/token') {
      tokenRequests.push(url.search);
      const want = opts.bearer?.user;
      if (want !== undefined) {
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
        const [u, p] = basic ? Buffer.from(basic[1]!, 'base64').toString().split(':') : [];
        if (u !== want || p !== opts.bearer?.password) {
          res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
          return;
        }
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: token, expires_in: 300 }));
      return;
    }
    requests.push(`${req.method} ${url.pathname}`);
    if (opts.bearer) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!bearer || !tokens.has(bearer[1]!)) {
        const m = /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(url.pathname);
        const scope = m ? `,scope="repository:${m[1]}:pull"` : '';
        res
          .writeHead(401, {
            'Content-Type': 'application/json',
            'WWW-Authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="berth-test"${scope}`,
          })
          .end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
        req.resume();
        return;
      }
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const up = request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    host: `127.0.0.1:${port}`,
    requests,
    tokenRequests,
    blobGets: () => requests.filter((r) => /^GET \/v2\/.+\/blobs\/sha256:/.test(r)),
    reset: () => {
      requests.length = 0;
      tokenRequests.length = 0;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The berth CLI with its own Docker client config dir (credentials never touch ~/.docker). */
export function berthCli(d: Daemon, args: string[], input?: Buffer | string): Promise<CmdResult> {
  return runCmd(process.execPath, [BERTH, '-H', d.host, ...args], { env: { DOCKER_CONFIG: join(d.root, 'docker-config') }, input });
}

/** `berth image inspect --format`, trimmed; asserts nothing. */
export async function inspectField(d: Daemon, ref: string, format: string): Promise<string> {
  const r = await berthCli(d, ['image', 'inspect', '--format', format, ref]);
  if (r.code !== 0) throw new Error(`inspect ${ref}: ${r.stderr}`);
  return r.stdout.trim();
}
