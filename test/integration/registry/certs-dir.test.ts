import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { busyboxTar, destroyDaemon, startDaemon } from '../../helpers/berthd.js';
import { startRegistry, tempRoot } from '../registry-server/registry-process.js';
import { berthCli } from './registry-helpers.js';

const run = promisify(execFile);

/** An address of this host that is not loopback: registries there are verified (no insecure default). */
function hostAddress(): string | undefined {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (/^(lo|berth|docker|br-|vb|bb|bc|ab)/.test(name)) continue;
    const v4 = addrs?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return undefined;
}

const ip = hostAddress();

test('a registry whose CA is in /etc/berth/certs.d/<host:port>/ is verified with it; without it TLS refuses', { skip: ip ? false : 'no non-loopback address' }, async () => {
  const root = await tempRoot();
  const cert = join(root, 'cert.pem');
  const key = join(root, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', `/CN=${ip}`, '-addext', `subjectAltName=IP:${ip}`]);
  const reg = await startRegistry(join(root, 'data'), ['--tls-cert', cert, '--tls-key', key], `${ip}:0`);
  const host = new URL(reg.url).host;
  const certsDir = join('/etc/berth/certs.d', host);
  const d = await startDaemon();
  try {
    assert.equal((await berthCli(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), `${host}/tls/busybox:1`])).code, 0);
    const untrusted = await berthCli(d, ['push', `${host}/tls/busybox:1`]);
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.stderr, /certificate/i);

    await mkdir(certsDir, { recursive: true });
    await copyFile(cert, join(certsDir, 'ca.crt'));
    const push = await berthCli(d, ['push', `${host}/tls/busybox:1`]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await berthCli(d, ['rmi', `${host}/tls/busybox:1`])).code, 0);
    const pull = await berthCli(d, ['pull', `${host}/tls/busybox:1`]);
    assert.equal(pull.code, 0, pull.stderr);
  } finally {
    await destroyDaemon(d);
    await reg.stop();
    await rm(certsDir, { recursive: true, force: true });
    await rm(root, { recursive: true, force: true });
  }
});
