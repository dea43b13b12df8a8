import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExtraHost, writeEtcFiles } from './etc-files.js';

const base = { hostname: 'abc', kind: 'bridge' as const, extraHosts: [], hostGateway: '10.89.0.1', selfAddresses: [], dns: [], dnsSearch: [], dnsOptions: [], hostResolvConf: 'nameserver 127.0.0.53\nnameserver 10.0.0.53\nsearch corp\noptions edns0\n' };

test('add-host forms, host-gateway and IPv6', () => {
  assert.deepEqual(parseExtraHost('db:10.1.2.3', '10.89.0.1'), { name: 'db', ip: '10.1.2.3' });
  assert.deepEqual(parseExtraHost('gw=host-gateway', '10.89.0.1'), { name: 'gw', ip: '10.89.0.1' });
  assert.deepEqual(parseExtraHost('v6:::1', '10.89.0.1'), { name: 'v6', ip: '::1' });
  assert.throws(() => parseExtraHost('nohost', '10.89.0.1'), /bad format for add-host/);
});

test('bridge, embedded DNS and overrides', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'etc-'));
  try {
    await writeEtcFiles({ ...base, dir, extraHosts: ['db:10.1.2.3'], selfAddresses: ['10.89.0.2'] });
    assert.match(await readFile(join(dir, 'hosts'), 'utf8'), /10\.1\.2\.3\tdb\n10\.89\.0\.2\tabc\n$/);
    assert.equal(await readFile(join(dir, 'resolv.conf'), 'utf8'), 'nameserver 10.0.0.53\nsearch corp\noptions edns0\n');
    await writeEtcFiles({ ...base, dir, embeddedDns: '10.90.0.1', dnsSearch: ['x.y'] });
    assert.equal(await readFile(join(dir, 'resolv.conf'), 'utf8'), 'nameserver 10.90.0.1\nsearch x.y\noptions ndots:0 edns0\n');
    await writeEtcFiles({ ...base, dir, dns: ['9.9.9.9'], dnsOptions: ['timeout:1'] });
    assert.equal(await readFile(join(dir, 'resolv.conf'), 'utf8'), 'nameserver 9.9.9.9\nsearch corp\noptions timeout:1\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
