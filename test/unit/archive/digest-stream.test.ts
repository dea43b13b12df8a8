import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import { DigestStream, verifyingStream } from '../../../src/archive/index.js';
import { digestFromHex } from '../../../src/core/digest.js';

const data = Buffer.from('hello layer\n'.repeat(1000));
const good = digestFromHex(createHash('sha256').update(data).digest('hex'));
const sink = () => new PassThrough().resume();

test('DigestStream passes bytes through and reports sha256 and size', async () => {
  const d = new DigestStream();
  const out: Buffer[] = [];
  await pipeline(Readable.from([data.subarray(0, 100), data.subarray(100)]), d, async (src) => {
    for await (const c of src) out.push(c as Buffer);
  });
  assert.equal(d.digest(), good);
  assert.equal(d.size, data.length);
  assert.deepEqual(Buffer.concat(out), data);
});

test('DigestStream.digest() before end is an error', () => {
  assert.throws(() => new DigestStream().digest(), /before the stream ended/);
});

test('verifyingStream accepts matching digest and size', async () => {
  await pipeline(Readable.from([data]), verifyingStream({ digest: good, size: data.length }, 'blob'), sink());
});

test('verifyingStream refuses a digest mismatch at end', async () => {
  const wrong = digestFromHex('0'.repeat(64));
  await assert.rejects(pipeline(Readable.from([data]), verifyingStream({ digest: wrong }, 'layer x'), sink()), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.equal(err.message, `digest mismatch for layer x: expected ${wrong}, got ${good}`);
    return true;
  });
});

test('verifyingStream refuses a short stream', async () => {
  await assert.rejects(
    pipeline(Readable.from([data]), verifyingStream({ size: data.length + 1 }, 'blob'), sink()),
    /size mismatch for blob: expected 12001 bytes, got 12000/,
  );
});

test('verifyingStream fails early once the size is exceeded', async () => {
  let pulled = 0;
  async function* endless() {
    for (;;) {
      pulled++;
      yield Buffer.alloc(1024);
    }
  }
  await assert.rejects(pipeline(Readable.from(endless()), verifyingStream({ size: 4096 }, 'blob'), sink()), /size mismatch for blob: expected 4096 bytes, got more/);
  assert.ok(pulled < 100, `read ${pulled} chunks before failing`);
});
