import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { destroyDaemon, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { makeTar } from '../../helpers/tar-builder.js';
import { berthCli } from './registry-helpers.js';

/**
 * A registry that lies: a layer whose bytes do not match its digest, a blob cut short
 * (with and without Content-Length), a 500 instead of a blob, a manifest that does not
 * match the digest it was asked for. Each pull fails naming the blob, leaves no image,
 * and a restart leaves no ingest or orphan blob; once the registry behaves, a retry
 * completes without fetching again what was already verified.
 */
type Mode = 'honest' | 'wrong-digest' | 'truncated' | 'truncated-chunked' | 'status-500' | 'swap-manifest' | 'cut-once';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let server: Server;
let host: string;
let mode: Mode = 'honest';
const blobGets: string[] = [];
const cutAlready = new Set<string>();
let d: Daemon;
let good: Buffer;
let bad: Buffer;
let manifest: Buffer;

before(async () => {
  const goodTar = await makeTar([{ name: 'good', body: 'fine\n' }]);
  const badTar = await makeTar([{ name: 'payload', body: 'x'.repeat(200_000) + Math.random() }]);
  good = gzipSync(goodTar);
  bad = gzipSync(badTar, { level: 0 });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha(goodTar), sha(badTar)] } }));
  manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha(config) },
      layers: [good, bad].map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: l.length, digest: sha(l) })),
    }),
  );
  const blobs = new Map([[sha(config), config], [sha(good), good], [sha(bad), bad]]);
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/v2/') return void res.writeHead(200).end('{}');
    if (/^\/v2\/liar\/manifests\//.test(url)) {
      const body = mode === 'swap-manifest' ? Buffer.from(manifest.toString().replace('"schemaVersion":2', '"schemaVersion": 2')) : manifest;
      res.writeHead(200, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json', 'Content-Length': body.length });
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    const m = /^\/v2\/liar\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
    const blob = m ? blobs.get(m[1]!) : undefined;
    if (!blob) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}');
    blobGets.push(m![1]!);
    let lie = blob === bad ? mode : 'honest';
    // Both layers: the first one is unpacked as it downloads, so its retry also covers that path.
    if (mode === 'cut-once' && blob !== blobs.get(sha(config))) lie = cutAlready.has(m![1]!) ? 'honest' : (cutAlready.add(m![1]!), 'truncated');
    if (lie === 'status-500') return void res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNKNOWN","message":"storage backend exploded"}]}');
    if (lie === 'wrong-digest') {
      const other = Buffer.from(blob);
      other[other.length - 20] ^= 0xff;
      return void res.writeHead(200, { 'Content-Length': other.length }).end(other);
    }
    if (lie === 'truncated') {
      res.writeHead(200, { 'Content-Length': blob.length });
      res.write(blob.subarray(0, blob.length >> 1));
      return void setTimeout(() => res.socket?.destroy(), 50);
    }
    if (lie === 'truncated-chunked') {
      res.writeHead(200);
      return void res.end(blob.subarray(0, blob.length >> 1));
    }
    res.writeHead(200, { 'Content-Length': blob.length }).end(blob);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  d = await startDaemon(['--max-download-attempts', '2']);
});

after(async () => {
  if (d) await destroyDaemon(d);
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
});

async function expectCleanFailure(pattern: RegExp): Promise<void> {
  const r = await berthCli(d, ['pull', `${host}/liar:1`]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stderr, pattern);
  const images = await berthCli(d, ['images', '-q']);
  assert.equal(images.stdout, '', 'no image is recorded');
}

test('a layer that does not match its digest fails the pull naming the blob, without a retry', async () => {
  mode = 'wrong-digest';
  blobGets.length = 0;
  await expectCleanFailure(new RegExp(`failed to pull blob ${sha(bad)}: digest mismatch`));
  assert.equal(blobGets.filter((b) => b === sha(bad)).length, 1, 'content that lies is not fetched again');
});

test('a blob cut short fails the pull naming the blob (with and without Content-Length)', async () => {
  mode = 'truncated';
  blobGets.length = 0;
  await expectCleanFailure(new RegExp(`failed to pull blob ${sha(bad)}: unexpected EOF`));
  assert.equal(blobGets.filter((b) => b === sha(bad)).length, 2, 'a broken transfer is tried max-download-attempts times');
  mode = 'truncated-chunked';
  await expectCleanFailure(new RegExp(`failed to pull blob ${sha(bad)}: size mismatch`));
});

test('a 500 instead of a blob fails the pull naming the blob', async () => {
  mode = 'status-500';
  await expectCleanFailure(new RegExp(`blob ${sha(bad)}: unknown: storage backend exploded`));
});

test('a manifest that does not hash to the digest asked for is refused', async () => {
  mode = 'swap-manifest';
  const r = await berthCli(d, ['pull', `${host}/liar@${sha(manifest)}`]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(`manifest verification failed for digest ${sha(manifest)}`));
});

test('a retry after the failures completes and does not fetch the verified layer again', async () => {
  mode = 'honest';
  blobGets.length = 0;
  const r = await berthCli(d, ['pull', `${host}/liar:1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(blobGets, [sha(bad)], 'only the layer that failed before is fetched');
  assert.equal((await berthCli(d, ['images', '-q'])).stdout.trim().length, 12);
});

test('after a failed pull and a restart, no ingest and no orphan blob are left', async () => {
  mode = 'wrong-digest';
  assert.equal((await berthCli(d, ['rmi', `${host}/liar:1`])).code, 0);
  await expectCleanFailure(/digest mismatch/);
  await d.stop();
  d = await startDaemon([], { root: d.root });
  assert.deepEqual(await readdir(join(d.dataRoot, 'content/ingest')), []);
  assert.deepEqual(await readdir(join(d.dataRoot, 'content/blobs/sha256')), [], 'GC at start removes what no image references');
  assert.equal((await berthCli(d, ['images', '-q'])).stdout, '');
});

test('a transfer that breaks once is tried again after Docker\'s countdown and the pull completes', async () => {
  mode = 'cut-once';
  blobGets.length = 0;
  const r = await berthCli(d, ['pull', `${host}/liar:1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Retrying in 1 second/);
  assert.equal(blobGets.filter((b) => b === sha(good)).length, 2);
  assert.equal(blobGets.filter((b) => b === sha(bad)).length, 2);
  // What the retried downloads unpacked is the layers' content.
  const ctr = await berthCli(d, ['create', '--network', 'none', `${host}/liar:1`, 'true']);
  assert.equal(ctr.code, 0, ctr.stderr);
  const cp = await berthCli(d, ['cp', `${ctr.stdout.trim()}:/good`, '-']);
  assert.equal(cp.code, 0, cp.stderr);
  assert.match(cp.stdout, /fine\n/);
  assert.equal((await berthCli(d, ['rm', ctr.stdout.trim()])).code, 0);
  assert.equal((await berthCli(d, ['images', '-q'])).stdout.trim().length, 12);
});
