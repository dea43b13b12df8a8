import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { applyLayer, DigestStream, packDirectory } from '../../../src/archive/index.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from '../../../src/archive/tar-header.js';
import { tempDir } from './helpers.js';

const SIZE = 128 * 1024 * 1024;
const CHUNK = 256 * 1024;

/** A one-file tar generated on the fly, so the test itself never holds the file.
 * (rss has a fixed ~35 MiB first-use overhead; the check is that growth does not scale with SIZE.) */
async function* bigTar(hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  yield encodeHeader({ name: 'big.bin', type: 'file', mode: 0o644, uid: 0, gid: 0, size: SIZE, mtime: new Date(0) });
  for (let off = 0; off < SIZE; off += CHUNK) {
    const c = Buffer.alloc(CHUNK, off / CHUNK);
    hash.update(c);
    yield c;
  }
  yield Buffer.alloc(padding(SIZE));
  yield END_OF_ARCHIVE;
}

function rssGrowth(): () => number {
  const before = process.memoryUsage().rss;
  let peak = before;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  return () => {
    clearInterval(t);
    return Math.max(peak, process.memoryUsage().rss) - before;
  };
}

test('a 128 MiB file streams through apply and pack without being buffered', async (t) => {
  const { dir, cleanup } = await tempDir('big');
  try {
    const want = createHash('sha256');
    let growth = rssGrowth();
    await applyLayer(Readable.from(bigTar(want), { objectMode: false }), dir);
    const applyGrowth = growth();
    assert.equal((await stat(join(dir, 'big.bin'))).size, SIZE);
    const got = createHash('sha256');
    for await (const c of createReadStream(join(dir, 'big.bin'))) got.update(c as Buffer);
    assert.equal(got.digest('hex'), want.digest('hex'));

    growth = rssGrowth();
    const d = new DigestStream();
    await pipeline(packDirectory(dir), d, async (src) => {
      for await (const _ of src);
    });
    const packGrowth = growth();
    assert.ok(d.size > SIZE);
    t.diagnostic(`rss growth: apply ${applyGrowth >> 20} MiB, pack ${packGrowth >> 20} MiB`);
    assert.ok(applyGrowth < SIZE / 2, `apply grew rss by ${applyGrowth >> 20} MiB`);
    assert.ok(packGrowth < SIZE / 2, `pack grew rss by ${packGrowth >> 20} MiB`);
  } finally {
    await cleanup();
  }
});
