import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { busyboxTar, destroyDaemon, docker, startDaemon, type Daemon } from '../../helpers/berthd.js';
import { dockerArchive, makeTar } from '../../helpers/tar-builder.js';
import { startRegistry, tempRoot, type RegistryProcess } from '../registry-server/registry-process.js';
import { berthCli, inspectField } from './registry-helpers.js';

/**
 * Berth's client against Berth's own server (`berth registry serve`), with the berth CLI
 * and the real docker CLI through berthd: what one daemon pushes, a fresh one pulls back
 * with the same image ID and manifest digest; htpasswd auth through `login`.
 */
let root: string;
let reg: RegistryProcess;
let a: Daemon;
let b: Daemon;

const ok = (r: { code: number; stderr: string; stdout: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
const digestOf = (out: string) => /digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(out)?.[1];

before(async () => {
  root = await tempRoot('berth-regpair-');
  await writeFile(join(root, 'htpasswd'), `ci:${bcrypt.hashSync('pa55word', 4)}\n`);
  reg = await startRegistry(join(root, 'data'));
  [a, b] = await Promise.all([startDaemon(), startDaemon()]);
  ok(await berthCli(a, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']), 'import');
  const one = await makeTar([{ name: 'etc/', type: 'directory' }, { name: 'etc/one', body: 'one\n' }]);
  const big = await makeTar([{ name: 'big.bin', body: randomBytes(20 << 20) }]);
  ok(await berthCli(a, ['load'], await dockerArchive([one, big], { tag: 'two:1' })), 'load');
});

after(async () => {
  await Promise.all([a && destroyDaemon(a), b && destroyDaemon(b)]);
  await reg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

test('berth pushes to berth registry serve; a fresh berthd pulls the same image ID and manifest digest', async () => {
  const R = reg.hostPort;
  for (const [src, dst] of [['busybox:latest', `${R}/bb:1`], ['two:1', `${R}/multi/two:1`]] as const) {
    ok(await berthCli(a, ['tag', src, dst]), 'tag');
    const push = await berthCli(a, ['push', dst]);
    ok(push, `push ${dst}`);
    const digest = digestOf(push.stdout);
    assert.ok(digest, push.stdout);
    const pull = await berthCli(b, ['pull', dst]);
    ok(pull, `pull ${dst}`);
    assert.match(pull.stdout, new RegExp(`^Digest: ${digest}$`, 'm'));
    assert.equal(await inspectField(b, dst, '{{.Id}}'), await inspectField(a, src, '{{.Id}}'));
    assert.equal(await inspectField(b, dst, '{{json .RootFS.Layers}}'), await inspectField(a, src, '{{json .RootFS.Layers}}'));
  }
  const tags = (await (await fetch(`${reg.url}/v2/multi/two/tags/list`)).json()) as { tags: string[] };
  assert.deepEqual(tags.tags, ['1']);
  const run = await berthCli(b, ['run', '--rm', `${R}/bb:1`, 'echo', 'from berth registry']);
  ok(run, 'run');
  assert.equal(run.stdout, 'from berth registry\n');
});

test('the real docker CLI pushes and pulls through berthd against berth registry serve', async () => {
  const R = reg.hostPort;
  ok(await docker(a, ['tag', 'busybox:latest', `${R}/docker/bb:2`]), 'docker tag');
  const push = await docker(a, ['push', `${R}/docker/bb:2`]);
  ok(push, 'docker push');
  assert.match(push.stdout, /: (Pushed|Layer already exists|Mounted from bb)$/m);
  const digest = digestOf(push.stdout);
  assert.ok(digest, push.stdout);
  const pull = await docker(b, ['pull', `${R}/docker/bb:2`]);
  ok(pull, 'docker pull');
  assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
  assert.equal(await inspectField(b, `${R}/docker/bb:2`, '{{.Id}}'), await inspectField(a, 'busybox:latest', '{{.Id}}'));
});

test('login against an htpasswd-protected berth registry; push refused before, accepted after', async () => {
  const secured = await startRegistry(join(root, 'secured'), ['--htpasswd', join(root, 'htpasswd')]);
  try {
    const S = secured.hostPort;
    ok(await berthCli(a, ['tag', 'busybox:latest', `${S}/private/bb:1`]), 'tag');
    const denied = await berthCli(a, ['push', `${S}/private/bb:1`]);
    assert.notEqual(denied.code, 0, denied.stdout);
    assert.match(denied.stderr + denied.stdout, /unauthorized|authentication required/i);
    const bad = await berthCli(a, ['login', '-u', 'ci', '--password-stdin', S], 'wrong\n');
    assert.notEqual(bad.code, 0);
    const login = await berthCli(a, ['login', '-u', 'ci', '--password-stdin', S], 'pa55word\n');
    ok(login, 'login');
    assert.match(login.stdout, /Login Succeeded/);
    ok(await berthCli(a, ['push', `${S}/private/bb:1`]), 'push after login');
    ok(await berthCli(a, ['logout', S]), 'logout');
    const after = await berthCli(b, ['pull', `${S}/private/bb:1`]);
    assert.notEqual(after.code, 0, 'b never logged in');
  } finally {
    await secured.stop();
  }
});

test('run/create --pull never|missing|always, -q, --cidfile and --label-file, as docker run has them', async () => {
  const R = reg.hostPort;
  ok(await berthCli(a, ['tag', 'busybox:latest', `${R}/pulltest:1`]), 'tag');
  ok(await berthCli(a, ['push', `${R}/pulltest:1`]), 'push');
  await berthCli(b, ['rmi', `${R}/pulltest:1`]);
  const never = await berthCli(b, ['run', '--rm', '--pull', 'never', '--network', 'none', `${R}/pulltest:1`, 'true']);
  assert.equal(never.code, 125);
  assert.match(never.stderr, /No such image/);
  const bad = await berthCli(b, ['run', '--rm', '--pull', 'sometimes', `${R}/pulltest:1`, 'true']);
  assert.match(bad.stderr, /invalid pull option: 'sometimes': must be one of "always", "missing" or "never"/);
  // missing (the default) pulls, saying so; -q keeps the pull quiet.
  const missing = await berthCli(b, ['run', '--rm', '--network', 'none', `${R}/pulltest:1`, 'echo', 'pulled']);
  ok(missing, 'run, pulling');
  assert.match(missing.stderr, /Unable to find image '.*pulltest:1' locally/);
  assert.equal(missing.stdout, 'pulled\n');
  const always = await berthCli(b, ['run', '--rm', '--pull', 'always', '-q', '--network', 'none', `${R}/pulltest:1`, 'echo', 'again']);
  ok(always, 'run --pull always -q');
  assert.equal(always.stdout, 'again\n');
  assert.equal(always.stderr, '');

  const cid = join(root, 'cid');
  const labels = join(root, 'labels');
  await writeFile(labels, '# team labels\nteam=core\n\ntier=db\n');
  const created = await berthCli(b, ['create', '--cidfile', cid, '--label-file', labels, '-l', 'tier=cache', '--network', 'none', `${R}/pulltest:1`, 'true']);
  ok(created, 'create --cidfile --label-file');
  assert.equal(await readFile(cid, 'utf8'), created.stdout.trim());
  const labelsOf = await berthCli(b, ['container', 'inspect', '--format', '{{json .Config.Labels}}', created.stdout.trim()]);
  assert.equal(labelsOf.stdout.trim(), '{"team":"core","tier":"cache"}');
  const again = await berthCli(b, ['create', '--cidfile', cid, `${R}/pulltest:1`, 'true']);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /Container ID file found, make sure the other container isn't running or delete/);
  ok(await berthCli(b, ['rm', created.stdout.trim()]), 'rm');
});
