import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { overlayChanges } from './overlay-changes.js';

async function tree(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), body);
  }
}

test('every directory above a modified or added path is reported modified, as docker diff does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-changes-'));
  try {
    const lower = join(dir, 'lower');
    const upper = join(dir, 'upper');
    await tree(lower, { 'etc/passwd': 'root\n', 'a/b/c.txt': 'c', 'keep/x': 'x' });
    // Overlay copies up the directories on the way to a changed file with the lower's mode and owner.
    await tree(upper, { 'etc/passwd': 'root\nchanged\n', 'a/b/new/deep.txt': 'new' });
    const got = (await overlayChanges(upper, [lower])).map((c) => `${'CAD'[c.Kind]} ${c.Path}`);
    assert.deepEqual(got, ['C /a', 'C /a/b', 'A /a/b/new', 'A /a/b/new/deep.txt', 'C /etc', 'C /etc/passwd']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
