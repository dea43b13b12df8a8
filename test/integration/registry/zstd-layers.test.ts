import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { busyboxTar, destroyDaemon, startDaemon } from '../../helpers/berthd.js';
import { makeTar } from '../../helpers/tar-builder.js';
import { berthCli } from './registry-helpers.js';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

test('an image with zstd layers (OCI tar+zstd) pulls and runs; its diff IDs are the uncompressed tars\' digests', async () => {
  // busybox itself as one zstd layer, plus a file of our own in a second one.
  const base = await readFile(await busyboxTar());
  const extra = await makeTar([{ name: 'hello.txt', body: 'from a zstd layer\n' }]);
  const layers = [base, extra].map((tar) => ({ tar, blob: execFileSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 1 << 30 }) }));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l.tar)) },
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha(config) },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', size: l.blob.length, digest: sha(l.blob) })),
  }));
  const blobs = new Map([[sha(config), config], ...layers.map((l) => [sha(l.blob), l.blob] as [string, Buffer])]);
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/v2/') return void res.writeHead(200).end('{}');
    if (url.startsWith('/v2/zst/manifests/')) {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': manifest.length });
      return void res.end(req.method === 'HEAD' ? undefined : manifest);
    }
    const blob = blobs.get(url.replace('/v2/zst/blobs/', ''));
    if (!blob) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': blob.length }).end(blob);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const d = await startDaemon();
  try {
    const pull = await berthCli(d, ['pull', `${host}/zst:1`]);
    assert.equal(pull.code, 0, pull.stderr);
    const run = await berthCli(d, ['run', '--rm', '--network', 'none', `${host}/zst:1`, 'cat', '/hello.txt']);
    assert.equal(run.stdout, 'from a zstd layer\n', run.stderr);
    const inspect = await berthCli(d, ['image', 'inspect', '--format', '{{json .RootFS.Layers}}', `${host}/zst:1`]);
    assert.deepEqual(JSON.parse(inspect.stdout), layers.map((l) => sha(l.tar)));
  } finally {
    await destroyDaemon(d);
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
