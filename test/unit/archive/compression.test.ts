import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { decompressStream, detectCompression } from '../../../src/archive/index.js';
import { collect, streamOf } from './helpers.js';

const plain = Buffer.from('not compressed at all, just bytes '.repeat(500));

test('detectCompression tells gzip, zstd and plain apart', () => {
  assert.equal(detectCompression(gzipSync(plain)), 'gzip');
  assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0])), 'zstd');
  assert.equal(detectCompression(plain), 'none');
  assert.equal(detectCompression(Buffer.alloc(0)), 'none');
  assert.equal(detectCompression(Buffer.from([0x1f])), 'none');
});

test('decompressStream passes plain bytes through unchanged', async () => {
  assert.deepEqual(await collect(decompressStream(streamOf(plain))), plain);
});

test('decompressStream gunzips, even when the magic is split across chunks', async () => {
  const gz = gzipSync(plain);
  const chunks = [gz.subarray(0, 1), gz.subarray(1, 3), gz.subarray(3)];
  assert.deepEqual(await collect(decompressStream(Readable.from(chunks, { objectMode: false }))), plain);
});

test('decompressStream handles empty and tiny inputs', async () => {
  assert.equal((await collect(decompressStream(streamOf(Buffer.alloc(0))))).length, 0);
  assert.deepEqual(await collect(decompressStream(streamOf(Buffer.from('ab')))), Buffer.from('ab'));
});

test('decompressStream decodes zstd through the host\'s zstd, and fails corrupt zstd as bad input', async () => {
  const zst = execFileSync('zstd', ['-q', '-c'], { input: plain });
  const chunks = [zst.subarray(0, 2), zst.subarray(2)];
  assert.deepEqual(await collect(decompressStream(Readable.from(chunks, { objectMode: false }))), plain);
  const corrupt = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(100)]);
  await assert.rejects(collect(decompressStream(streamOf(corrupt))), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, /invalid zstd data/);
    return true;
  });
});

test('decompressStream fails on corrupt gzip', async () => {
  const gz = gzipSync(plain);
  gz[gz.length - 5] ^= 0xff; // break the CRC/size trailer
  await assert.rejects(collect(decompressStream(streamOf(gz))));
});

test('destroying the result destroys the source', async () => {
  const source = new Readable({ read() {} }); // never ends by itself
  const closed = once(source, 'close');
  // More than gunzip's output chunk (256 KiB), so output flows before the input ends.
  source.push(gzipSync(Buffer.alloc(1 << 20, plain)));
  const out = decompressStream(source);
  for await (const _ of out) break; // read one chunk, then stop early
  await closed;
  assert.ok(source.destroyed);
});
