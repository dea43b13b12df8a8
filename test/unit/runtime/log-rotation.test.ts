import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, open, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_LOG, listGenerations, logFiles, prepareLog, rearmLog } from '../../../src/runtime/logs/rotation.js';

/** What conmon 2.1.6 does when a write would pass --log-size-max: open <log>.tmp with O_TRUNC|O_CREAT, rename it over <log>. */
async function conmonRotate(dir: string): Promise<void> {
  const fh = await open(join(dir, `${CURRENT_LOG}.tmp`), 'w', 0o600);
  await fh.close();
  await rename(join(dir, `${CURRENT_LOG}.tmp`), join(dir, CURRENT_LOG));
}

const contents = async (dir: string) => Promise.all((await logFiles(dir)).map((f) => readFile(f.path, 'utf8')));

test('rotation keeps the generation conmon leaves behind, prunes to maxFiles, reads oldest first', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'logrot-'));
  t.after(() => rm(dir, { recursive: true }));
  await prepareLog(dir, 3);
  for (const word of ['a', 'b', 'c', 'd']) {
    await appendFile(join(dir, CURRENT_LOG), word);
    await conmonRotate(dir);
    await rearmLog(dir, 3);
  }
  await appendFile(join(dir, CURRENT_LOG), 'e');
  assert.deepEqual(await contents(dir), ['c', 'd', 'e']);
  const gens = await listGenerations(dir);
  assert.equal(gens.filter((g) => g.size > 0).length, 3);
  assert.equal(gens.at(-1)!.size, 0, 'the next file is staged, empty');
});

test('rotations while nobody rearms lose those generations only, and order stays right', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'logrot-'));
  t.after(() => rm(dir, { recursive: true }));
  await prepareLog(dir, 5);
  await appendFile(join(dir, CURRENT_LOG), '1');
  await conmonRotate(dir); // into the staged file, which stays numbered: '1' and '2' are kept
  await appendFile(join(dir, CURRENT_LOG), '2');
  await conmonRotate(dir); // nothing staged: conmon's own file, unnumbered
  await appendFile(join(dir, CURRENT_LOG), '3');
  await conmonRotate(dir); // '3' is gone with it
  await appendFile(join(dir, CURRENT_LOG), '4');
  await rearmLog(dir, 5);
  await appendFile(join(dir, CURRENT_LOG), '5');
  await conmonRotate(dir);
  await rearmLog(dir, 5);
  await appendFile(join(dir, CURRENT_LOG), '6');
  assert.deepEqual(await contents(dir), ['1', '2', '45', '6']);
});

test('a restart starts a fresh file unless the current one is empty', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'logrot-'));
  t.after(() => rm(dir, { recursive: true }));
  await prepareLog(dir, 3);
  await prepareLog(dir, 3);
  assert.deepEqual(await contents(dir), ['']);
  await appendFile(join(dir, CURRENT_LOG), 'run1');
  await prepareLog(dir, 3);
  await appendFile(join(dir, CURRENT_LOG), 'run2');
  assert.deepEqual(await contents(dir), ['run1', 'run2']);
});
