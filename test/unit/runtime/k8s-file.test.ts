import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineAssembler, parseK8sLine, readK8sLog } from '../../../src/runtime/logs/k8s-file.js';
import type { LogRecord } from '../../../src/runtime/logs/k8s-file.js';

const T = '2026-01-02T03:04:05.123456789+00:00';

test('parseK8sLine: full, partial, empty content, garbage', () => {
  assert.deepEqual(parseK8sLine(`${T} stdout F hello world`), { time: T, stream: 'stdout', partial: false, content: 'hello world' });
  assert.deepEqual(parseK8sLine(`${T} stderr P  lead`), { time: T, stream: 'stderr', partial: true, content: ' lead' });
  assert.equal(parseK8sLine(`${T} stdout F`)?.content, '');
  assert.equal(parseK8sLine(`${T} stdout F `)?.content, '');
  assert.equal(parseK8sLine('not a log line'), undefined);
  assert.equal(parseK8sLine(`${T} stdin F x`), undefined);
});

test('LineAssembler joins partials per stream even when interleaved', () => {
  const a = new LineAssembler();
  const out: (LogRecord | undefined)[] = [];
  for (const raw of [`${T} stdout P ab`, `${T} stderr F e1`, '2026-01-02T03:04:06Z stdout P cd', '2026-01-02T03:04:07Z stdout F ef']) {
    out.push(a.push(parseK8sLine(raw)!));
  }
  assert.deepEqual(out.filter(Boolean), [
    { time: T, stream: 'stderr', line: 'e1' },
    { time: T, stream: 'stdout', line: 'abcdef' },
  ]);
  a.push(parseK8sLine(`${T} stdout P tail`)!);
  assert.deepEqual(a.flush(), [{ time: T, stream: 'stdout', line: 'tail', partial: true }]);
});

async function collect(it: AsyncIterable<LogRecord>): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

test('readK8sLog reads a whole file, including a last line without newline', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-k8s-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const p = join(dir, 'ctr.log');
  await writeFile(p, `${T} stdout F one\n${T} stdout P tw\n${T} stdout F o\n${T} stderr F ünïcode\n${T} stdout F last`);
  assert.deepEqual((await collect(readK8sLog(p))).map((r) => `${r.stream}:${r.line}`),
    ['stdout:one', 'stdout:two', 'stderr:ünïcode', 'stdout:last']);
  assert.deepEqual(await collect(readK8sLog(join(dir, 'missing.log'))), []);
});

test('readK8sLog follows appends until aborted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-k8s-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const p = join(dir, 'ctr.log');
  await writeFile(p, `${T} stdout F first\n`);
  const ac = new AbortController();
  const seen: string[] = [];
  const reading = (async () => {
    try {
      for await (const r of readK8sLog(p, { follow: true, signal: ac.signal, pollMs: 50 })) {
        seen.push(r.line);
        if (seen.length === 3) ac.abort();
      }
    } catch (err) {
      if (!ac.signal.aborted) throw err;
    }
  })();
  await new Promise((r) => setTimeout(r, 100));
  await appendFile(p, `${T} stdout P sec`);
  await new Promise((r) => setTimeout(r, 100));
  await appendFile(p, `ond-part\n${T} stdout F ond\n${T} stderr F third\n`);
  await reading;
  assert.deepEqual(seen, ['first', 'second-partond', 'third']);
});

test('readK8sLog with writerDone: reads what was written before the writer finished, then stops at once', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-k8s-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const p = join(dir, 'ctr.log');
  await writeFile(p, `${T} stdout F first\n`);
  const done = new AbortController();
  const seen: string[] = [];
  // A poll far longer than the test: only the writerDone wake-up can end the stream in time.
  const reading = (async () => {
    for await (const r of readK8sLog(p, { follow: true, pollMs: 60_000, writerDone: done.signal })) seen.push(r.line);
  })();
  await new Promise((r) => setTimeout(r, 100));
  const t0 = performance.now();
  await appendFile(p, `${T} stdout F last\n${T} stderr P no newline`);
  done.abort();
  await reading;
  assert.ok(performance.now() - t0 < 2_000, 'the reader stopped on writerDone, not on its poll');
  assert.deepEqual(seen, ['first', 'last', 'no newline']);
});

test('readK8sLog with writerDone already aborted reads the file once and ends', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-k8s-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const p = join(dir, 'ctr.log');
  await writeFile(p, `${T} stdout F only\n`);
  const lines = (await collect(readK8sLog(p, { follow: true, pollMs: 60_000, writerDone: AbortSignal.abort() }))).map((r) => r.line);
  assert.deepEqual(lines, ['only']);
});
