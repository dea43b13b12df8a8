import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileIpam } from './ipam.js';

test('never hands out an allocated address, also after re-opening', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ipam-'));
  try {
    const a = await FileIpam.open(dir);
    const ip1 = await a.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c1');
    const ip2 = await a.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c2');
    assert.equal(ip1, '10.5.0.2');
    assert.equal(ip2, '10.5.0.3');
    const b = await FileIpam.open(dir);
    assert.equal(await b.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c3'), '10.5.0.4');
    await b.release('n1', ip1);
    // A freed address is not reused at once: the search goes on after the last one.
    assert.equal(await b.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c4'), '10.5.0.5');
    assert.equal(await b.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c5'), '10.5.0.6');
    assert.equal(await b.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c6'), '10.5.0.2');
    await assert.rejects(b.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c7'), /no available IPv4 addresses/);
    await assert.rejects(b.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c7', '10.5.0.3'), /Address already in use/);
    assert.equal(await b.retain((_n, _ip, owner) => owner !== 'c2'), 1);
    assert.equal(await b.allocate('n1', '10.5.0.0/29', '10.5.0.1', 'c8', '10.5.0.3'), '10.5.0.3');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
