import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegistryTls } from './certs-dir.js';

test('certs.d: *.crt are CAs from every directory, *.cert needs its *.key, nothing for other hosts', async () => {
  const root = await mkdtemp(join(tmpdir(), 'berth-certs-'));
  try {
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    await mkdir(join(a, 'reg.example:5000'), { recursive: true });
    await mkdir(join(b, 'reg.example:5000'), { recursive: true });
    await writeFile(join(a, 'reg.example:5000', 'ca.crt'), 'CA-A');
    await writeFile(join(b, 'reg.example:5000', 'other.crt'), 'CA-B');
    await writeFile(join(b, 'reg.example:5000', 'client.cert'), 'CERT');
    await writeFile(join(b, 'reg.example:5000', 'client.key'), 'KEY');
    const tls = await loadRegistryTls('reg.example:5000', [a, b]);
    assert.deepEqual(tls && { ca: tls.ca.map(String), cert: String(tls.cert), key: String(tls.key) }, { ca: ['CA-A', 'CA-B'], cert: 'CERT', key: 'KEY' });
    assert.equal(await loadRegistryTls('reg.example', [a, b]), undefined);
    for (const bad of ['../a', '..', '.']) assert.equal(await loadRegistryTls(bad, [join(a, 'reg.example:5000')]), undefined, `${bad}: a host cannot name a path`);

    await rm(join(b, 'reg.example:5000', 'client.key'));
    await assert.rejects(loadRegistryTls('reg.example:5000', [a, b]), /missing key client\.key for client certificate client\.cert/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
