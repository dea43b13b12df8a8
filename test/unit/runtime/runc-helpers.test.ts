import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conflict, Internal, NotFound } from '../../../src/core/errors.js';
import { conmonArgs } from '../../../src/runtime/runc/conmon-args.js';
import { runcError, runcErrorText } from '../../../src/runtime/runc/runc-cli.js';
import { parseSyncMessage } from '../../../src/runtime/runc/sync-message.js';
import { readExitCode, waitExitFile } from '../../../src/runtime/exit-file.js';

test('parseSyncMessage: pid, error, incomplete', () => {
  assert.deepEqual(parseSyncMessage('{"data": 1234}\n'), { data: 1234 });
  assert.deepEqual(parseSyncMessage('{"data": -1, "message": "boom"}\n{"data": 1}'), { data: -1, message: 'boom' });
  assert.equal(parseSyncMessage('{"data": 12'), undefined);
  assert.equal(parseSyncMessage(''), undefined);
});

test('runc errors map to Berth errors with runc wording', () => {
  const text = runcErrorText('time="2026-01-01T00:00:00Z" level=error msg="container does not exist"\n');
  assert.equal(text, 'container does not exist');
  assert.ok(runcError('start', 'x', text) instanceof NotFound);
  assert.ok(runcError('kill', 'x', 'container not running') instanceof Conflict);
  assert.ok(runcError('delete', 'x', 'cannot delete container x that is not stopped: running') instanceof Conflict);
  assert.ok(runcError('create', 'x', 'something odd') instanceof Internal);
  assert.equal(runcErrorText('msg="a \\"quoted\\" word"'), 'a "quoted" word');
});

test('conmonArgs carries runc root, log, exit dir and tty/stdin flags', () => {
  const opts = { id: 'c1', bundle: '/b', logPath: '/l/ctr.log', exitDir: '/e', persistDir: '/p', terminal: true, stdin: true, logMaxSize: 1000 };
  const args = conmonArgs(opts, { runcPath: '/usr/sbin/runc', runcRoot: '/rr', socketDir: '/s' });
  const after = (flag: string) => args[args.indexOf(flag) + 1];
  assert.equal(after('--api-version'), '1');
  assert.equal(after('-r'), '/usr/sbin/runc');
  assert.equal(after('-l'), 'k8s-file:/l/ctr.log');
  assert.equal(after('--runtime-arg'), '--root=/rr');
  assert.equal(after('--log-size-max'), '1000');
  assert.equal(after('-p'), '/p/pid');
  assert.ok(args.includes('-t') && args.includes('-i'));
  const plain = conmonArgs({ ...opts, terminal: false, stdin: false, logMaxSize: undefined }, { runcPath: 'r', runcRoot: 'rr', socketDir: 's' });
  assert.ok(!plain.includes('-t') && !plain.includes('-i') && !plain.includes('--log-size-max'));
});

test('exit files: read, wait, abort', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'rt-exit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(await readExitCode(dir, 'a'), undefined);
  await writeFile(join(dir, 'a'), '');
  assert.equal(await readExitCode(dir, 'a'), undefined, 'an empty file is still being written');
  const waiting = waitExitFile(dir, 'b');
  setTimeout(() => void writeFile(join(dir, 'b'), '137'), 50);
  assert.equal(await waiting, 137);
  const ac = new AbortController();
  const never = waitExitFile(dir, 'c', ac.signal);
  ac.abort(new Error('stop'));
  await assert.rejects(never, /stop/);
});
