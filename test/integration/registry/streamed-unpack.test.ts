import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { destroyDaemon, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { makeTar } from '../../helpers/tar-builder.js';
import { berthCli } from './registry-helpers.js';

/**
 * A one-layer image's layer is unpacked straight from its download (its parent, none, is
 * unpacked), while the same bytes go into the content store. The registry here sends each
 * blob slowly, in small pieces, so the unpack really runs while bytes still arrive. A blob
 * failing its digest at the end, a blob longer than the manifest says and a hostile entry
 * each fail the pull and leave no snapshot, no blob and no image.
 */
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const payload = Buffer.alloc(3 << 20);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) % 251;

interface Repo {
  manifest: Buffer;
  blobs: Map<string, Buffer>;
  layer: Buffer;
  /** What the registry sends instead of the layer. */
  lie?: (layer: Buffer) => Buffer;
}
const repos = new Map<string, Repo>();
let server: Server;
let host: string;
let d: Daemon;

/**
 * `plain`: the layer is an uncompressed tar, and the config's DiffID is that of the bytes
 * actually sent, so only the blob digest can tell the lie (a poisoned layer).
 */
async function addRepo(name: string, layerTar: Buffer, opts: { lie?: Repo['lie']; plain?: boolean } = {}): Promise<void> {
  const layer = opts.plain ? layerTar : gzipSync(layerTar, { level: 1 });
  const diffId = opts.plain && opts.lie ? sha(opts.lie(layerTar)) : sha(layerTar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } }));
  const mediaType = opts.plain ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha(config) },
      layers: [{ mediaType, size: layer.length, digest: sha(layer) }],
    }),
  );
  repos.set(name, { manifest, layer, lie: opts.lie, blobs: new Map([[sha(config), config], [sha(layer), layer]]) });
}

/** 32 KiB pieces with a pause between them: the pull sees a slow link. */
function sendSlowly(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'Content-Length': body.length });
  let off = 0;
  const step = () => {
    if (off >= body.length) return void res.end();
    res.write(body.subarray(off, off + (32 << 10)));
    off += 32 << 10;
    setTimeout(step, 2);
  };
  step();
}

before(async () => {
  await addRepo('good', await makeTar([{ name: 'app/', type: 'directory' }, { name: 'app/data.bin', body: payload }, { name: 'app/link', type: 'symlink', linkname: 'data.bin' }]));
  const flip = (l: Buffer) => {
    const c = Buffer.from(l);
    c[c.length >> 1] ^= 0xff;
    return c;
  };
  await addRepo('flipped', await makeTar([{ name: 'data.bin', body: payload }]), { lie: flip });
  await addRepo('poisoned', await makeTar([{ name: 'data.bin', body: payload }]), { lie: flip, plain: true });
  await addRepo('longer', await makeTar([{ name: 'data.bin', body: payload }]), { lie: (l) => Buffer.concat([l, Buffer.alloc(4096)]) });
  await addRepo('hostile', await makeTar([{ name: 'data.bin', body: payload }, { name: '../../escape', body: 'x' }]));
  server = createServer((req, res) => {
    const m = /^\/v2\/([a-z]+)\/(manifests|blobs)\/(.+)$/.exec(req.url ?? '');
    if (req.url === '/v2/') return void res.writeHead(200).end('{}');
    const repo = m ? repos.get(m[1]!) : undefined;
    if (!m || !repo) return void res.writeHead(404).end();
    if (m[2] === 'manifests') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': repo.manifest.length });
      return void res.end(req.method === 'HEAD' ? undefined : repo.manifest);
    }
    const blob = repo.blobs.get(m[3]!);
    if (!blob) return void res.writeHead(404).end();
    if (blob !== repo.layer) return void res.writeHead(200, { 'Content-Length': blob.length }).end(blob);
    sendSlowly(res, repo.lie ? repo.lie(blob) : blob);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  d = await startDaemon();
});

after(async () => {
  if (d) await destroyDaemon(d);
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
});

interface SnapshotFile {
  snapshots: Array<{ key: string; id: number; kind: string }>;
}
const snapshotMeta = async (): Promise<SnapshotFile> =>
  JSON.parse(await readFile(join(d.dataRoot, 'snapshots/metadata.json'), 'utf8').catch(() => '{"snapshots":[]}')) as SnapshotFile;

/** A blob that failed verification is never stored; a valid one (hostile content) stays for GC. */
async function expectCleanFailure(repo: string, pattern: RegExp, blobVerified = false): Promise<void> {
  const r = await berthCli(d, ['pull', `${host}/${repo}:1`]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stderr, pattern);
  assert.equal((await berthCli(d, ['images', '-q'])).stdout, '', 'no image is recorded');
  assert.deepEqual((await snapshotMeta()).snapshots, [], 'no snapshot, committed or not');
  assert.deepEqual(await readdir(join(d.dataRoot, 'snapshots/snapshots')), [], 'no snapshot dir');
  const stored = (await readdir(join(d.dataRoot, 'content/blobs/sha256'))).includes(sha(repos.get(repo)!.layer).slice(7));
  assert.equal(stored, blobVerified, 'the layer blob is stored only if it was the one asked for');
}

test('a layer whose parents are unpacked is unpacked from its download, and also stored', async () => {
  const r = await berthCli(d, ['pull', `${host}/good:1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /: Pull complete$/m);
  const layer = repos.get('good')!.layer;
  assert.match(d.log(), new RegExp(`msg="unpacked layer" digest="${sha(layer)}" .*from="download"`));
  const blob = await readFile(join(d.dataRoot, 'content/blobs/sha256', sha(layer).slice(7)));
  assert.ok(blob.equals(layer), 'the store holds the blob byte for byte');
  const [snap] = (await snapshotMeta()).snapshots;
  assert.equal(snap?.kind, 'committed');
  const fs = join(d.dataRoot, 'snapshots/snapshots', String(snap!.id), 'fs');
  assert.ok((await readFile(join(fs, 'app/data.bin'))).equals(payload));
  assert.equal((await berthCli(d, ['rmi', `${host}/good:1`])).code, 0);
});

test('a blob failing its digest at the end leaves no snapshot, and the error names the blob', () =>
  expectCleanFailure('flipped', new RegExp(`failed to pull blob ${sha(repos.get('flipped')!.layer)}: digest mismatch`)));

test('a layer whose content matches the config but not the blob digest is never committed', () =>
  expectCleanFailure('poisoned', new RegExp(`failed to pull blob ${sha(repos.get('poisoned')!.layer)}: digest mismatch`)));

test('a blob longer than the manifest says stops the unpack and names the blob', () =>
  expectCleanFailure('longer', new RegExp(`failed to pull blob ${sha(repos.get('longer')!.layer)}: size mismatch`)));

test('a hostile entry in a streamed layer fails the pull with the refusal', () =>
  expectCleanFailure('hostile', /refusing tar entry "..\/..\/escape": path escapes the layer root/, true));
