import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { busyboxTar, destroyDaemon, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { berthCli, inspectField, startDockerRegistry, startFront, type Front, type Registry } from './registry-helpers.js';

/**
 * Basic auth (docker-registry with a bcrypt htpasswd) and Bearer tokens (a front that
 * demands tokens from its own token endpoint): login checks, stored credentials in
 * Docker's config.json or in the credential helper it names, pushes and pulls with them, logout.
 */
let basicReg: Registry;
let tokenReg: Registry;
let tokenFront: Front;
let d: Daemon;
let bbId: string;

const ok = (r: { code: number; stderr: string; stdout: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);

before(async () => {
  [basicReg, tokenReg] = await Promise.all([startDockerRegistry({ htpasswd: { user: 'alice', password: 's3cret' } }), startDockerRegistry()]);
  tokenFront = await startFront(tokenReg.port, { bearer: { user: 'bob', password: 'hunter2' } });
  d = await startDaemon();
  ok(await berthCli(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']), 'import');
  bbId = await inspectField(d, 'busybox', '{{.Id}}');
});

after(async () => {
  if (d) await destroyDaemon(d);
  await tokenFront?.stop();
  await Promise.all([basicReg?.stop(), tokenReg?.stop()]);
});

test('basic auth: anonymous push is refused, login stores credentials (0600), push and pull use them, logout removes them', async () => {
  const R = basicReg.host;
  ok(await berthCli(d, ['tag', 'busybox', `${R}/priv:1`]), 'tag');
  const anon = await berthCli(d, ['push', `${R}/priv:1`]);
  assert.notEqual(anon.code, 0);
  assert.match(anon.stderr, /unauthorized/i);

  const wrong = await berthCli(d, ['login', '-u', 'alice', '--password-stdin', R], 'nope\n');
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /401|unauthorized/i);

  const viaFlag = await berthCli(d, ['login', '-u', 'alice', '-p', 's3cret', R]);
  ok(viaFlag, 'login -p');
  assert.match(viaFlag.stderr, /WARNING! Using --password via the CLI is insecure\. Use --password-stdin\./);
  const login = await berthCli(d, ['login', '-u', 'alice', '--password-stdin', R], 's3cret\n');
  ok(login, 'login');
  assert.equal(login.stdout, 'Login Succeeded\n');
  const cfgPath = join(d.root, 'docker-config', 'config.json');
  assert.equal((await stat(cfgPath)).mode & 0o777, 0o600);
  const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as { auths: Record<string, { auth: string }> };
  assert.equal(cfg.auths[R]?.auth, Buffer.from('alice:s3cret').toString('base64'));

  ok(await berthCli(d, ['push', `${R}/priv:1`]), 'push with credentials');
  ok(await berthCli(d, ['rmi', `${R}/priv:1`]), 'rmi');
  ok(await berthCli(d, ['pull', `${R}/priv:1`]), 'pull with credentials');
  assert.equal(await inspectField(d, `${R}/priv:1`, '{{.Id}}'), bbId);

  const logout = await berthCli(d, ['logout', R]);
  assert.equal(logout.stdout, `Removing login credentials for ${R}\n`);
  assert.equal((await berthCli(d, ['logout', R])).stdout, `Not logged in to ${R}\n`);
  ok(await berthCli(d, ['rmi', `${R}/priv:1`]), 'rmi');
  const anonPull = await berthCli(d, ['pull', `${R}/priv:1`]);
  assert.notEqual(anonPull.code, 0);
  assert.match(anonPull.stderr, /unauthorized/i);
});

test('bearer tokens: fetched from the challenge realm with the credentials, once per scope', async () => {
  const R = tokenFront.host;
  ok(await berthCli(d, ['tag', 'busybox', `${R}/tok:1`]), 'tag');
  const anon = await berthCli(d, ['push', `${R}/tok:1`]);
  assert.notEqual(anon.code, 0);
  assert.match(anon.stderr, /incorrect username or password|unauthorized/i);

  ok(await berthCli(d, ['login', '-u', 'bob', '--password-stdin', R], 'hunter2'), 'login');
  tokenFront.reset();
  const push = await berthCli(d, ['push', `${R}/tok:1`]);
  ok(push, 'push');
  assert.ok(tokenFront.tokenRequests.some((q) => q.includes('scope=repository%3Atok%3Apull%2Cpush')), tokenFront.tokenRequests.join('\n'));
  // One token for the push scope serves every blob and manifest request.
  assert.ok(tokenFront.tokenRequests.length <= 2, tokenFront.tokenRequests.join('\n'));
  ok(await berthCli(d, ['rmi', `${R}/tok:1`]), 'rmi');
  const pull = await berthCli(d, ['pull', `${R}/tok:1`]);
  ok(pull, 'pull');
  assert.equal(await inspectField(d, `${R}/tok:1`, '{{.Id}}'), bbId);
  ok(await berthCli(d, ['logout', R]), 'logout');
});

test('login refuses conflicting flags as Docker does', async () => {
  const both = await berthCli(d, ['login', '-u', 'x', '-p', 'y', '--password-stdin', basicReg.host], 'y');
  assert.notEqual(both.code, 0);
  assert.match(both.stderr, /--password and --password-stdin are mutually exclusive/);
  const noUser = await berthCli(d, ['login', '--password-stdin', basicReg.host], 'y');
  assert.notEqual(noUser.code, 0);
  assert.match(noUser.stderr, /Must provide --username with --password-stdin/);
});

/**
 * A docker-credential-<name> helper as Docker's protocol has it: get/erase read the server
 * on stdin, store reads {ServerURL, Username, Secret}; one file per server in `store`.
 */
async function fakeHelper(dir: string, name: string): Promise<string> {
  const store = join(dir, 'store');
  await mkdir(store, { recursive: true });
  const key = `"${store}/$(printf %s "$server" | tr -c 'A-Za-z0-9.' _)"`;
  const script = `#!/bin/sh
IFS= read -r line
case "$1" in
  get) server=$line; [ -f ${key} ] && cat ${key} || { echo "credentials not found in native keychain"; exit 1; } ;;
  store) server=$(printf %s "$line" | sed 's/.*"ServerURL":"\\([^"]*\\)".*/\\1/'); printf %s "$line" > ${key} ;;
  erase) server=$line; rm -f ${key} ;;
  *) exit 2 ;;
esac
`;
  await writeFile(join(dir, `docker-credential-${name}`), script, { mode: 0o755 });
  return store;
}

test('a credential helper named by credsStore keeps the login (config.json only lists the registry); pull and logout use it', async () => {
  const R = basicReg.host;
  const helperDir = join(d.root, 'helpers');
  const store = await fakeHelper(helperDir, 'berthtest');
  const cfgDir = join(d.root, 'docker-config');
  const cfgPath = join(cfgDir, 'config.json');
  await mkdir(cfgDir, { recursive: true });
  await writeFile(cfgPath, JSON.stringify({ credsStore: 'berthtest' }));
  const savedPath = process.env.PATH;
  process.env.PATH = `${helperDir}:${savedPath ?? ''}`;
  try {
    const login = await berthCli(d, ['login', '-u', 'alice', '--password-stdin', R], 's3cret\n');
    ok(login, 'login');
    assert.equal(login.stdout, 'Login Succeeded\n');
    assert.doesNotMatch(login.stderr, /unencrypted/);
    const cfg = JSON.parse(await readFile(cfgPath, 'utf8')) as { auths: Record<string, unknown>; credsStore: string };
    assert.deepEqual(cfg, { credsStore: 'berthtest', auths: { [R]: {} } });
    const [entry] = await readdir(store);
    assert.deepEqual(JSON.parse(await readFile(join(store, entry!), 'utf8')), { ServerURL: R, Username: 'alice', Secret: 's3cret' });

    ok(await berthCli(d, ['tag', 'busybox', `${R}/helper:1`]), 'tag');
    ok(await berthCli(d, ['push', `${R}/helper:1`]), 'push with the helper\'s credentials');
    ok(await berthCli(d, ['rmi', `${R}/helper:1`]), 'rmi');
    ok(await berthCli(d, ['pull', `${R}/helper:1`]), 'pull with the helper\'s credentials');

    // credHelpers wins for its registry: a helper that is not installed is Docker's error.
    await writeFile(cfgPath, JSON.stringify({ credsStore: 'berthtest', credHelpers: { [R]: 'missing' }, auths: { [R]: {} } }));
    const missing = await berthCli(d, ['pull', `${R}/helper:1`]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /error getting credentials - err: exec: "docker-credential-missing": executable file not found in \$PATH/);
    await writeFile(cfgPath, JSON.stringify({ credsStore: 'berthtest', auths: { [R]: {} } }));

    const logout = await berthCli(d, ['logout', R]);
    assert.equal(logout.stdout, `Removing login credentials for ${R}\n`);
    assert.deepEqual(await readdir(store), []);
    assert.deepEqual(JSON.parse(await readFile(cfgPath, 'utf8')), { credsStore: 'berthtest', auths: {} });
    ok(await berthCli(d, ['rmi', `${R}/helper:1`]), 'rmi');
    assert.notEqual((await berthCli(d, ['pull', `${R}/helper:1`])).code, 0);
  } finally {
    process.env.PATH = savedPath;
    await rm(cfgPath, { force: true });
  }
});
