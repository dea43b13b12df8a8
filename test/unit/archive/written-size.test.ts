import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyLayer } from '../../../src/archive/index.js';
import { diskUsage } from '../../../src/snapshots/disk-usage.js';
import { streamOf, tarOf, tempDir } from './helpers.js';

// unpack records a layer's size from applyLayer's count instead of walking the snapshot
// again, so the count must be what diskUsage finds in the dir the layer was applied to.
test('applyLayer counts what it left as diskUsage does, replacements and whiteouts included', async () => {
  const { dir, cleanup } = await tempDir('written');
  try {
    const layer = await tarOf([
      { name: 'a/', type: 'directory' },
      { name: 'a/one', body: 'x'.repeat(1000) },
      { name: 'a/two', body: 'y'.repeat(70_000) },
      { name: 'a/link', type: 'symlink', linkname: 'one' },
      { name: 'hard', type: 'link', linkname: 'a/two' },
      { name: 'a/one', body: 'short' }, // replaces the 1000 bytes
      { name: 'gone/', type: 'directory' },
      { name: 'gone/f', body: 'z'.repeat(500) },
      { name: 'gone', body: 'now a file' }, // replaces the directory and its file
      { name: 'b/c/d', body: 'deep' },
      { name: 'b/.wh.c', body: '' }, // overlay whiteout: a 0/0 char device in place of c
      { name: 'fifo', type: 'fifo' },
    ]);
    const r = await applyLayer(streamOf(layer), dir, { exclusive: true });
    assert.equal(r.written, (await diskUsage(dir)).size);
    assert.equal(r.written, 5 + 70_000 + 3 + 'now a file'.length);
  } finally {
    await cleanup();
  }
});
