import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { destroyDaemon, docker, startDaemon, type CmdResult, type Daemon } from '../helpers/berthd.js';
import { expectOk as ok, lines } from '../helpers/expect.js';
import { useBusyboxDaemon } from '../helpers/fixture.js';
import { curlUntil, freePort } from '../helpers/net.js';
import { startRegistry, tempRoot, type RegistryProcess } from '../integration/registry-server/registry-process.js';

/**
 * The seed walkthrough of issues 3 (containers), 5 (networking, volumes) and 6 (registries)
 * in one go, with the real docker CLI against one berthd: what a new user types first.
 */
const daemon = useBusyboxDaemon();
const cleanup: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

const dk = (args: string[], input?: string) => docker(daemon(), args, input);
async function out(args: string[]): Promise<string> {
  const r = await dk(args);
  ok(r, `docker ${args.join(' ')}`);
  return r.stdout;
}

test('issue 3: run, ps / ps -a, restart, stop, rm, run --rm', async () => {
  assert.equal(await out(['run', '--name', 'hello', 'busybox', 'echo', 'hello from busybox']), 'hello from busybox\n');
  assert.equal(await out(['ps', '--format', '{{.Names}}']), '');
  assert.match(await out(['ps', '-a', '--format', '{{.Names}} {{.Status}}']), /^hello Exited \(0\) .*ago$/m);

  const id = (await out(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '300'])).trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(await out(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}']), new RegExp(`^${id.slice(0, 12)} sleeper Up `, 'm'));
  const pid = async () => (await out(['inspect', '-f', '{{.State.Pid}}', 'sleeper'])).trim();
  const before = await pid();
  assert.equal(await out(['restart', '-t', '1', 'sleeper']), 'sleeper\n');
  assert.notEqual(await pid(), before, 'restart runs a new process');
  assert.equal((await out(['inspect', '-f', '{{.State.Running}} {{.RestartCount}}', 'sleeper'])).trim(), 'true 0');
  assert.equal(await out(['stop', '-t', '1', 'sleeper']), 'sleeper\n');
  assert.match(await out(['ps', '-a', '--filter', 'name=sleeper', '--format', '{{.Status}}']), /^Exited \(137\) /);
  assert.equal(await out(['rm', 'sleeper', 'hello']), 'sleeper\nhello\n');
  assert.equal(await out(['ps', '-aq']), '');

  assert.equal(await out(['run', '--rm', 'busybox', 'sh', '-c', 'echo gone after']), 'gone after\n');
  assert.equal(await out(['ps', '-aq']), '');
});

test('issue 3: diff shows A/C/D, commit makes an image with the change, rmi refused while a container uses it', async () => {
  ok(await dk(['run', '--name', 'changer', 'busybox', 'sh', '-c', 'echo new > /added.txt; echo changed >> /etc/passwd; rm /bin/vi']), 'run changer');
  const diff = lines(await out(['diff', 'changer']));
  for (const l of ['A /added.txt', 'C /etc', 'C /etc/passwd', 'C /bin', 'D /bin/vi']) assert.ok(diff.includes(l), `${l} in ${diff.join(', ')}`);

  const imageId = (await out(['commit', 'changer', 'busybox:changed'])).trim();
  assert.match(imageId, /^sha256:[0-9a-f]{64}$/);
  assert.equal(await out(['run', '--rm', 'busybox:changed', 'sh', '-c', 'cat /added.txt; test -e /bin/vi || echo no-vi']), 'new\nno-vi\n');
  const original = await dk(['run', '--rm', 'busybox', 'sh', '-c', 'cat /added.txt; test -e /bin/vi && echo has-vi']);
  assert.equal(original.stdout, 'has-vi\n');
  assert.match(original.stderr, /can't open '\/added.txt'/);

  ok(await dk(['run', '--name', 'user-of-changed', 'busybox:changed', 'true']), 'run from the committed image');
  const refused = await dk(['rmi', 'busybox:changed']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /conflict: unable to remove repository reference "busybox:changed" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}/);
  ok(await dk(['rm', 'user-of-changed', 'changer']), 'rm');
  assert.match(await out(['rmi', 'busybox:changed']), /^Untagged: busybox:changed\nDeleted: sha256:[0-9a-f]{64}\n/);
});

test('issue 5: a named volume holds a file on the host and in a second container', async () => {
  assert.equal(await out(['volume', 'create', 'our-vol']), 'our-vol\n');
  ok(await dk(['run', '-v', 'our-vol:/app', '--name', 'one', 'busybox', 'touch', '/app/test.txt']), 'run one');
  const mountpoint = (await out(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'our-vol'])).trim();
  assert.equal(mountpoint, join(daemon().dataRoot, 'volumes/our-vol/_data'));
  assert.equal(await readFile(join(mountpoint, 'test.txt'), 'utf8'), '');
  assert.equal(await out(['run', '--rm', '-v', 'our-vol:/data', 'busybox', 'ls', '/data']), 'test.txt\n');
  const inUse = await dk(['volume', 'rm', 'our-vol']);
  assert.notEqual(inUse.code, 0);
  assert.match(inUse.stderr, /volume is in use/);
  ok(await dk(['rm', 'one']), 'rm one');
  ok(await dk(['volume', 'rm', 'our-vol']), 'volume rm');
});

test('issue 5: a published web server answers from the host; containers on a user network reach each other by name', async () => {
  const port = await freePort();
  ok(await dk(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', 'sh', '-c', 'echo it-works > /index.html; exec httpd -f -p 80 -h /']), 'run web');
  assert.equal(await out(['port', 'web']), `80/tcp -> 0.0.0.0:${port}\n`);
  assert.equal(await curlUntil(`http://127.0.0.1:${port}/index.html`, /it-works/), 'it-works\n');

  const net = `walk-${randomBytes(3).toString('hex')}`;
  ok(await dk(['network', 'create', net]), 'network create');
  ok(await dk(['run', '-d', '--name', 'alpha', '--network', net, 'busybox', 'sh', '-c', 'echo from-alpha > /index.html; exec httpd -f -p 80 -h /']), 'run alpha');
  const fetched = await dk(['run', '--rm', '--name', 'beta', '--network', net, 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://alpha/index.html && exit 0; sleep 0.2; done; exit 1']);
  ok(fetched, 'beta fetches from alpha');
  assert.equal(fetched.stdout, 'from-alpha\n');
  const ping = await dk(['run', '--rm', '--network', net, 'busybox', 'ping', '-c', '1', '-W', '2', 'alpha']);
  ok(ping, 'ping alpha by name');

  ok(await dk(['rm', '-f', 'web', 'alpha']), 'rm -f');
  ok(await dk(['network', 'rm', net]), 'network rm');
  assert.equal(await curlUntil(`http://127.0.0.1:${port}/index.html`, /^$/, 0), '');
});

test('issue 6: push to berth registry serve, pull into a second daemon with the same image ID', async () => {
  const root = await tempRoot('berth-walk-reg-');
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  let second: Daemon | undefined;
  const [reg] = await Promise.all([
    startRegistry(root),
    startDaemon().then((d) => (second = d)),
  ]) as [RegistryProcess, Daemon];
  cleanup.push(() => reg.stop());
  cleanup.push(() => destroyDaemon(second!));

  const ref = `${reg.hostPort}/walk/busybox:1`;
  ok(await dk(['tag', 'busybox:latest', ref]), 'tag');
  const push = await dk(['push', ref]);
  ok(push, 'push');
  const digest = /digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
  assert.ok(digest, push.stdout);

  const pull = await docker(second!, ['pull', ref]);
  ok(pull, 'pull into the second daemon');
  assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
  assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${ref}`));
  const idHere = (await out(['image', 'inspect', '-f', '{{.Id}}', 'busybox:latest'])).trim();
  const idThere = await docker(second!, ['image', 'inspect', '-f', '{{.Id}}', ref]);
  assert.equal(idThere.stdout.trim(), idHere);
  const run = await docker(second!, ['run', '--rm', ref, 'echo', 'pulled and running']);
  ok(run, 'run the pulled image');
  assert.equal(run.stdout, 'pulled and running\n');
});
