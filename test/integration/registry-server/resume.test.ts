import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { bin, errorCodes, sha256, startRegistry, tempRoot } from './registry-process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForSize(path: string, size: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await stat(path).catch(() => undefined))?.size === size) return;
    await sleep(25);
  }
  throw new Error(`${path} never reached ${size} bytes`);
}

/**
 * A registry killed (SIGKILL) in the middle of a chunk: after a restart the blob is
 * not visible, the session reports what reached the disk, and the client resumes from
 * there to a verified blob. Broken leftovers are swept at start.
 */
test('upload interrupted by a crash is invisible, then resumable after restart', async () => {
  const root = await tempRoot();
  try {
    const data = randomBytes(256 * 1024);
    const digest = sha256(data);
    let reg = await startRegistry(root);
    const start = await fetch(`${reg.url}/v2/crash/me/blobs/uploads/`, { method: 'POST' });
    const id = start.headers.get('docker-upload-uuid')!;
    const first = await fetch(`${reg.url}${start.headers.get('location')}`, { method: 'PATCH', headers: { 'Content-Range': '0-65535' }, body: bin(data.subarray(0, 65536)) });
    assert.equal(first.status, 202);

    // A streamed PATCH that stops half way; the server dies while it is open.
    const u = new URL(`${reg.url}/v2/crash/me/blobs/uploads/${id}`);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'PATCH', headers: { 'Transfer-Encoding': 'chunked' } });
    req.on('error', () => undefined);
    req.write(data.subarray(65536, 100_000));
    const dataFile = join(root, 'uploads', id, 'data');
    await waitForSize(dataFile, 100_000);
    // Leftovers a crash can leave: a session without its session file.
    await mkdir(join(root, 'uploads', '00000000-0000-4000-8000-000000000000'), { recursive: true });
    await writeFile(join(root, 'uploads', '00000000-0000-4000-8000-000000000000', 'data'), 'partial');
    await reg.stop('SIGKILL');
    req.destroy();

    reg = await startRegistry(root);
    try {
      assert.equal((await fetch(`${reg.url}/v2/crash/me/blobs/${digest}`, { method: 'HEAD' })).status, 404);
      assert.deepEqual(await readdir(join(root, 'blobs', 'sha256')).catch(() => []), []);
      assert.deepEqual(await readdir(join(root, 'uploads')), [id]);

      const status = await fetch(`${reg.url}/v2/crash/me/blobs/uploads/${id}`);
      assert.equal(status.status, 204);
      assert.equal(status.headers.get('range'), '0-99999');
      // Resuming at the wrong offset is refused; at the reported one it continues.
      const wrong = await fetch(`${reg.url}/v2/crash/me/blobs/uploads/${id}`, { method: 'PATCH', headers: { 'Content-Range': '65536-99999' }, body: bin(data.subarray(65536, 100_000)) });
      assert.equal(wrong.status, 416);
      const rest = await fetch(`${reg.url}/v2/crash/me/blobs/uploads/${id}`, { method: 'PATCH', headers: { 'Content-Range': `100000-${data.length - 1}` }, body: bin(data.subarray(100_000)) });
      assert.equal(rest.status, 202);
      const put = await fetch(`${reg.url}/v2/crash/me/blobs/uploads/${id}?digest=${digest}`, { method: 'PUT' });
      assert.equal(put.status, 201);
      const got = Buffer.from(await (await fetch(`${reg.url}/v2/crash/me/blobs/${digest}`)).arrayBuffer());
      assert.ok(got.equals(data));
      assert.deepEqual(await readdir(join(root, 'uploads')), []);
    } finally {
      await reg.stop();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a short chunk with a declared range is rolled back; a resumed upload with wrong content fails its digest', async () => {
  const root = await tempRoot();
  const reg = await startRegistry(root);
  try {
    const start = await fetch(`${reg.url}/v2/short/blobs/uploads/`, { method: 'POST' });
    const loc = start.headers.get('location')!;
    // Content-Range says 10 bytes, the body has 4: the chunk is refused and not kept.
    const short = await fetch(`${reg.url}${loc}`, { method: 'PATCH', headers: { 'Content-Range': '0-9' }, body: 'abcd' });
    assert.equal(short.status, 400);
    assert.deepEqual(await errorCodes(short), ['SIZE_INVALID']);
    assert.equal((await fetch(`${reg.url}${loc}`)).headers.get('range'), '0-0');
    await fetch(`${reg.url}${loc}`, { method: 'PATCH', headers: { 'Content-Range': '0-3' }, body: 'abcd' });
    const bad = await fetch(`${reg.url}${loc}?digest=${sha256('abce')}`, { method: 'PUT' });
    assert.deepEqual(await errorCodes(bad), ['DIGEST_INVALID']);
    assert.equal((await fetch(`${reg.url}/v2/short/blobs/${sha256('abcd')}`, { method: 'HEAD' })).status, 404);
  } finally {
    await reg.stop();
    await rm(root, { recursive: true, force: true });
  }
});
