import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH } from '../../helpers/berthd.js';

/** A `berth registry serve` process on a free port (port 0, the bound address read from its log). */
export interface RegistryProcess {
  root: string;
  url: string;
  /** host:port, for image references. */
  hostPort: string;
  proc: ChildProcess;
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function tempRoot(prefix = 'berth-regsrv-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startRegistry(root: string, extra: string[] = [], addr = '127.0.0.1:0'): Promise<RegistryProcess> {
  const proc = spawn(process.execPath, [BERTH, 'registry', 'serve', '--addr', addr, '--root', root, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start:\n${log}`)), 15_000);
    const check = () => {
      const m = log.match(/listening on (https?:\/\/[^"\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stderr!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry exited with ${code}:\n${log}`));
    });
  });
  return {
    root,
    url,
    hostPort: new URL(url).host,
    proc,
    log: () => log,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A fetch body from bytes (fetch's types want a plain ArrayBuffer-backed view). */
export function bin(data: Buffer | string): Uint8Array<ArrayBuffer> | string {
  return typeof data === 'string' ? data : new Uint8Array(data);
}

/** The spec's error body, parsed. */
export async function errorCodes(res: Response): Promise<string[]> {
  const body = (await res.json()) as { errors: { code: string }[] };
  return body.errors.map((e) => e.code);
}

/** Pushes a blob monolithically (POST ?digest=) into `repo`. */
export async function pushBlob(url: string, repo: string, data: Buffer | string): Promise<string> {
  const digest = sha256(data);
  const res = await fetch(`${url}/v2/${repo}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bin(data) });
  if (res.status !== 201) throw new Error(`push blob: ${res.status} ${await res.text()}`);
  return digest;
}

/** A small OCI image (config + one layer) pushed under `repo:tag`; returns the manifest and its digest. */
export async function pushImage(url: string, repo: string, tag: string, seed = 'x'): Promise<{ manifest: Buffer; digest: string; config: string; layer: string }> {
  const layerData = Buffer.from(`layer-${seed}`);
  const configData = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layerData)] } }));
  const layer = await pushBlob(url, repo, layerData);
  const config = await pushBlob(url, repo, configData);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configData.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerData.length }],
  }));
  const res = await fetch(`${url}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
    body: bin(manifest),
  });
  if (res.status !== 201) throw new Error(`push manifest: ${res.status} ${await res.text()}`);
  return { manifest, digest: sha256(manifest), config, layer };
}
