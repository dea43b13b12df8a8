import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';
import { DEFAULTS, parseAttempts, readConfigFile } from './daemon-config.js';

test('max-download-attempts: Docker\'s default 5, a whole number of at least 1 from the flag or the file', async () => {
  assert.equal(DEFAULTS.maxDownloadAttempts, 5);
  assert.equal(parseAttempts('3'), 3);
  for (const bad of ['0', '-1', '2.5', 'x', '']) assert.throws(() => parseAttempts(bad), InvalidArgument, bad);
  const dir = await mkdtemp(join(tmpdir(), 'berth-cfg-'));
  try {
    const file = join(dir, 'daemon.json');
    await writeFile(file, JSON.stringify({ 'max-download-attempts': 2 }));
    assert.equal((await readConfigFile(file)).maxDownloadAttempts, 2);
    await writeFile(file, JSON.stringify({ 'max-download-attempts': 0 }));
    await assert.rejects(readConfigFile(file), /invalid config file .*max-download-attempts/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
