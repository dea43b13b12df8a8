import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalContentStore } from '../../../src/content/local-store.js';
import { digestFromHex, type Digest } from '../../../src/core/digest.js';
import { InvalidArgument, NotFound } from '../../../src/core/errors.js';
import type { BlobInfo } from '../../../src/core/content.js';

function digestOf(data: string | Buffer): Digest {
  return digestFromHex(createHash('sha256').update(data).digest('hex'));
}

/** Yields `chunks` pieces with a pause between them, so tests can act mid-stream. */
function slowSource(chunks: string[], delayMs = 5): Readable {
  return Readable.from(
    (async function* () {
      for (const c of chunks) {
        await sleep(delayMs);
        yield Buffer.from(c);
      }
    })(),
  );
}

async function collect(it: AsyncIterable<BlobInfo>): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const x of it) out.push(x);
  return out;
}

let root: string;
let store: LocalContentStore;

async function assertNoIngestLitter(): Promise<void> {
  assert.deepEqual(await readdir(join(root, 'ingest')), []);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cs-content-'));
  store = await LocalContentStore.open(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('LocalContentStore', () => {
  it('round-trips a streamed blob', async () => {
    const data = 'hello berth\n';
    const info = await store.ingest(Readable.from([Buffer.from(data)]));
    assert.deepEqual(info, { digest: digestOf(data), size: data.length });
    assert.equal(await store.has(info.digest), true);
    assert.deepEqual(await store.info(info.digest), info);
    assert.equal(await text(await store.read(info.digest)), data);
    assert.equal(await text(await store.read(info.digest, { start: 6 })), 'berth\n');
    assert.equal((await store.readBytes(info.digest)).toString(), data);
    assert.equal(store.path(info.digest), join(root, 'blobs', 'sha256', info.digest.slice(7)));
    assert.equal((await stat(store.path(info.digest))).mode & 0o777, 0o444);
    assert.deepEqual(await collect(store.list()), [info]);
    await assertNoIngestLitter();
  });

  it('verifies an expected digest and size', async () => {
    const data = 'abc';
    const info = await store.ingest(Readable.from([Buffer.from(data)]), { digest: digestOf(data), size: 3 });
    assert.equal(info.digest, digestOf(data));
  });

  it('put stores small blobs and checks the digest', async () => {
    const info = await store.put('{"a":1}');
    assert.equal(info.digest, digestOf('{"a":1}'));
    assert.equal((await store.readBytes(info.digest)).toString(), '{"a":1}');
    const bytes = new Uint8Array([1, 2, 3]);
    assert.equal((await store.put(bytes, { digest: digestOf(Buffer.from(bytes)) })).size, 3);
    await assert.rejects(store.put('x', { digest: digestOf('y') }), InvalidArgument);
    assert.equal(await store.has(digestOf('x')), false);
  });

  it('a digest mismatch leaves nothing visible and no ingest litter', async () => {
    const want = digestOf('something else');
    const actual = digestOf('actual data');
    await assert.rejects(store.ingest(Readable.from([Buffer.from('actual data')]), { digest: want }), (err: unknown) => {
      assert.ok(err instanceof InvalidArgument);
      assert.match(err.message, new RegExp(want));
      assert.match(err.message, new RegExp(actual));
      return true;
    });
    assert.equal(await store.has(want), false);
    assert.equal(await store.has(actual), false);
    assert.deepEqual(await collect(store.list()), []);
    await assertNoIngestLitter();
  });

  it('a size mismatch leaves nothing visible, too short or too long', async () => {
    const data = 'twelve bytes';
    await assert.rejects(store.ingest(Readable.from([Buffer.from(data)]), { digest: digestOf(data), size: 13 }), InvalidArgument);
    await assert.rejects(store.ingest(Readable.from([Buffer.from(data)]), { size: 5 }), /size mismatch/);
    assert.deepEqual(await collect(store.list()), []);
    await assertNoIngestLitter();
  });

  it('a source error leaves nothing behind', async () => {
    const source = Readable.from(
      (async function* () {
        yield Buffer.from('part');
        throw new Error('connection reset');
      })(),
    );
    await assert.rejects(store.ingest(source), /connection reset/);
    assert.deepEqual(await collect(store.list()), []);
    await assertNoIngestLitter();
  });

  it('abort via AbortSignal mid-stream leaves nothing', async () => {
    const ac = new AbortController();
    let sent = 0;
    const source = new Readable({
      read() {
        sent += 1;
        if (sent === 3) ac.abort();
        setTimeout(() => this.push(Buffer.alloc(1024, sent)), 2);
      },
    });
    await assert.rejects(store.ingest(source, {}, { signal: ac.signal }), { name: 'AbortError' });
    assert.equal(source.destroyed, true);
    assert.deepEqual(await collect(store.list()), []);
    await assertNoIngestLitter();
  });

  it('re-ingesting an existing blob succeeds without reading the source', async () => {
    const data = 'same';
    const first = await store.ingest(Readable.from([Buffer.from(data)]), { digest: digestOf(data) });
    const source = slowSource(['s', 'a', 'm', 'e']);
    const second = await store.ingest(source, { digest: digestOf(data), size: 4 });
    assert.deepEqual(second, first);
    assert.equal(source.destroyed, true);
    // without an expected digest it is hashed, then found to exist
    assert.deepEqual(await store.ingest(Readable.from([Buffer.from(data)])), first);
    assert.deepEqual(await store.put(data), first);
    assert.equal((await collect(store.list())).length, 1);
    await assertNoIngestLitter();
  });

  it('serialises concurrent ingests of the same digest', async () => {
    const chunks = Array.from({ length: 20 }, (_, i) => `chunk-${i};`);
    const data = chunks.join('');
    const dg = digestOf(data);
    const sources = Array.from({ length: 5 }, () => slowSource(chunks, 1));
    const results = await Promise.all(sources.map((s) => store.ingest(s, { digest: dg })));
    for (const r of results) assert.deepEqual(r, { digest: dg, size: data.length });
    // only the first was read; the others found the blob
    assert.equal(sources.filter((s) => s.readableEnded).length, 1);
    assert.equal((await store.readBytes(dg)).toString(), data);
    assert.deepEqual(await collect(store.list()), [{ digest: dg, size: data.length }]);
    await assertNoIngestLitter();
  });

  it('concurrent ingests without an expected digest commit one blob', async () => {
    const chunks = ['a', 'b', 'c', 'd'];
    const results = await Promise.all([1, 2, 3].map(() => store.ingest(slowSource(chunks, 1))));
    for (const r of results) assert.equal(r.digest, digestOf('abcd'));
    assert.equal((await collect(store.list())).length, 1);
    await assertNoIngestLitter();
  });

  it('reports absent blobs as NotFound and deletes idempotently', async () => {
    const dg = digestOf('nope');
    assert.equal(await store.has(dg), false);
    await assert.rejects(store.info(dg), (err: unknown) => err instanceof NotFound && err.message === `blob ${dg} not found`);
    await assert.rejects(store.read(dg), NotFound);
    await assert.rejects(store.readBytes(dg), NotFound);
    await store.delete(dg);
    const info = await store.put('nope');
    await store.delete(info.digest);
    await store.delete(info.digest);
    assert.equal(await store.has(dg), false);
  });

  it('refuses malformed digests instead of building a path from them', () => {
    assert.throws(() => store.path('sha256:../../etc/passwd' as Digest), InvalidArgument);
  });

  it('removes leftover ingest files at open and ignores strays in blobs/', async () => {
    await writeFile(join(root, 'ingest', 'deadbeef'), 'partial');
    await mkdir(join(root, 'ingest', 'somedir'));
    await writeFile(join(root, 'ingest', 'somedir', 'x'), 'x');
    await writeFile(join(root, 'blobs', 'sha256', 'not-a-digest'), 'x');
    const kept = await store.put('kept');
    const reopened = await LocalContentStore.open(root);
    await assertNoIngestLitter();
    assert.deepEqual(await collect(reopened.list()), [kept]);
  });

  it('streams a 100 MB blob with low memory growth', async () => {
    const chunkSize = 64 * 1024;
    const chunks = (100 * 1024 * 1024) / chunkSize;
    function* generate(): Generator<Buffer> {
      for (let i = 0; i < chunks; i++) yield Buffer.alloc(chunkSize, i & 0xff);
    }
    const hash = createHash('sha256');
    for (const c of generate()) hash.update(c);
    const want = digestFromHex(hash.digest('hex'));

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      const info = await store.ingest(Readable.from(generate()), { digest: want, size: chunks * chunkSize });
      assert.deepEqual(info, { digest: want, size: chunks * chunkSize });
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - before) / (1024 * 1024);
    assert.ok(growthMb < 60, `rss grew by ${growthMb.toFixed(1)} MB while ingesting 100 MB`);
    assert.equal((await store.info(want)).size, 100 * 1024 * 1024);
    await assertNoIngestLitter();
  });
});
