import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { BERTH, runCmd } from '../../helpers/berthd.js';
import { errorCodes, sha256, startRegistry, tempRoot } from './registry-process.js';

const run = promisify(execFile);

test('htpasswd basic auth: 401 with the Basic challenge, 200 with valid credentials', async () => {
  const root = await tempRoot();
  const file = join(root, 'htpasswd');
  // $2y$ is what Apache's htpasswd -B writes.
  await writeFile(file, `# users\nalice:${bcrypt.hashSync('s3cret', 4).replace(/^\$2b\$/, '$2y$')}\nbob:${bcrypt.hashSync('hunter2', 4)}\n`);
  const reg = await startRegistry(join(root, 'data'), ['--htpasswd', file, '--realm', 'Test Realm']);
  const auth = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  try {
    const anon = await fetch(`${reg.url}/v2/`);
    assert.equal(anon.status, 401);
    assert.equal(anon.headers.get('www-authenticate'), 'Basic realm="Test Realm"');
    assert.equal(anon.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.deepEqual(await errorCodes(anon), ['UNAUTHORIZED']);
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: auth('alice', 'wrong') })).status, 401);
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: auth('mallory', 's3cret') })).status, 401);
    assert.equal((await fetch(`${reg.url}/v2/_catalog`)).status, 401);
    assert.equal((await fetch(`${reg.url}/v2/x/blobs/uploads/?digest=${sha256('z')}`, { method: 'POST', body: 'z' })).status, 401);

    assert.equal((await fetch(`${reg.url}/v2/`, { headers: auth('alice', 's3cret') })).status, 200);
    assert.equal((await fetch(`${reg.url}/v2/`, { headers: auth('bob', 'hunter2') })).status, 200);
    const push = await fetch(`${reg.url}/v2/x/blobs/uploads/?digest=${sha256('z')}`, { method: 'POST', body: 'z', headers: auth('alice', 's3cret') });
    assert.equal(push.status, 201);
    assert.equal((await fetch(`${reg.url}/v2/x/blobs/${sha256('z')}`, { headers: auth('bob', 'hunter2') })).status, 200);
  } finally {
    await reg.stop();
    await rm(root, { recursive: true, force: true });
  }
});

test('an htpasswd file with a non-bcrypt entry is refused at start', async () => {
  const root = await tempRoot();
  try {
    await writeFile(join(root, 'htpasswd'), 'carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n');
    const r = await runCmd(process.execPath, [BERTH, 'registry', 'serve', '--addr', '127.0.0.1:0', '--root', join(root, 'data'), '--htpasswd', join(root, 'htpasswd')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /htpasswd:1: not a "user:bcrypt-hash" entry/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('TLS with --tls-cert/--tls-key serves HTTPS that a client trusting the certificate accepts', async () => {
  const root = await tempRoot();
  const cert = join(root, 'cert.pem');
  const key = join(root, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  const reg = await startRegistry(join(root, 'data'), ['--tls-cert', cert, '--tls-key', key]);
  try {
    assert.match(reg.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await httpsGet(`${reg.url}/v2/`, await readFile(cert));
    assert.equal(res.status, 200);
    assert.equal(res.headers['docker-distribution-api-version'], 'registry/2.0');
    // A client that does not trust the certificate is refused by TLS itself.
    await assert.rejects(httpsGet(`${reg.url}/v2/`, Buffer.from('')), /certificate|self-signed|self signed/i);
    const curl = await run('curl', ['-sf', '--cacert', cert, `${reg.url}/v2/_catalog`]);
    assert.deepEqual(JSON.parse(curl.stdout), { repositories: [] });
  } finally {
    await reg.stop();
    await rm(root, { recursive: true, force: true });
  }
});

test('SIGTERM and SIGINT stop the server cleanly with exit code 0', async () => {
  const root = await tempRoot();
  try {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const reg = await startRegistry(root);
      // An idle keep-alive connection must not hold the shutdown up.
      await fetch(`${reg.url}/v2/`);
      const t0 = Date.now();
      assert.equal(await reg.stop(sig), 0);
      assert.ok(Date.now() - t0 < 3000, `${sig} took ${Date.now() - t0} ms`);
      assert.match(reg.log(), new RegExp(`received ${sig}, shutting down`));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('usage errors: --root is required, --addr must be host:port', async () => {
  const noRoot = await runCmd(process.execPath, [BERTH, 'registry', 'serve']);
  assert.notEqual(noRoot.code, 0);
  assert.match(noRoot.stderr, /--root/);
  const badAddr = await runCmd(process.execPath, [BERTH, 'registry', 'serve', '--root', '/tmp/unused-berth-reg', '--addr', 'nonsense']);
  assert.notEqual(badAddr.code, 0);
  assert.match(badAddr.stderr, /invalid --addr "nonsense"/);
});
