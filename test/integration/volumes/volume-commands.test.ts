import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { berth, docker, exists, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

let d: Daemon;

useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: d.socket, method, path, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function mountsUnder(root: string): Promise<number> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(` ${root}`)).length;
}

test('volume create, inspect and ls show Docker\'s Volume shape', async () => {
  const c = await docker(d, ['volume', 'create', '--label', 'team=a', 'cmd-vol']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.stdout, 'cmd-vol\n');
  const i = await docker(d, ['volume', 'inspect', 'cmd-vol']);
  assert.equal(i.code, 0, i.stderr);
  const [v] = JSON.parse(i.stdout) as Array<Record<string, unknown>>;
  assert.equal(v!.Name, 'cmd-vol');
  assert.equal(v!.Driver, 'local');
  assert.equal(v!.Scope, 'local');
  assert.equal(v!.Mountpoint, join(d.dataRoot, 'volumes/cmd-vol/_data'));
  assert.deepEqual(v!.Labels, { team: 'a' });
  assert.equal(v!.Options, null);
  assert.match(String(v!.CreatedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok((await stat(join(d.dataRoot, 'volumes/cmd-vol/_data'))).isDirectory());

  const ls = await berth(d, ['volume', 'ls']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /^DRIVER\s+VOLUME NAME\n/);
  assert.match(ls.stdout, /^local\s+cmd-vol$/m);
  const q = await docker(d, ['volume', 'ls', '-q', '-f', 'label=team=a']);
  assert.equal(q.stdout, 'cmd-vol\n');
  const f = await berth(d, ['volume', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Labels}}', '-f', 'name=cmd-']);
  assert.equal(f.stdout, 'cmd-vol local team=a\n');
  const gen = await berth(d, ['volume', 'create']);
  assert.match(gen.stdout, /^[0-9a-f]{64}\n$/);
  const again = await docker(d, ['volume', 'create', 'cmd-vol']);
  assert.equal(again.code, 0, 'creating an existing volume is idempotent');
});

test('volume API: list has Volumes and Warnings, create answers 201, bad filters 400', async () => {
  const created = await api('POST', '/v1.47/volumes/create', { Name: 'api-vol', Labels: { x: 'y' }, DriverOpts: {} });
  assert.equal(created.status, 201);
  assert.equal((created.json as { Name: string }).Name, 'api-vol');
  const list = await api('GET', '/v1.47/volumes');
  assert.equal(list.status, 200);
  const body = list.json as { Volumes: Array<{ Name: string }>; Warnings: unknown };
  assert.ok(Array.isArray(body.Warnings));
  assert.ok(body.Volumes.some((v) => v.Name === 'api-vol'));
  const bad = await api('GET', `/v1.47/volumes?filters=${encodeURIComponent('{"foo":["x"]}')}`);
  assert.equal(bad.status, 400);
  const missing = await api('GET', '/v1.47/volumes/nope');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json, { message: 'get nope: no such volume' });
  const del = await api('DELETE', '/v1.47/volumes/api-vol');
  assert.equal(del.status, 204);
});

test('bad names, options and drivers get Docker\'s errors', async () => {
  const bad = await docker(d, ['volume', 'create', 'bad?name']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /create bad\?name: "bad\?name" includes invalid characters for a local volume name, only "\[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]" are allowed/);
  const opt = await berth(d, ['volume', 'create', '-o', 'foo=bar', 'opt-vol']);
  assert.match(opt.stderr, /create opt-vol: invalid option: "foo"/);
  const missing = await docker(d, ['volume', 'create', '-o', 'type=tmpfs', 'opt-vol']);
  assert.match(missing.stderr, /create opt-vol: missing required option: "device"/);
  const drv = await docker(d, ['volume', 'create', '-d', 'nfs', 'opt-vol']);
  assert.match(drv.stderr, /error looking up volume plugin nfs: plugin "nfs" not found/);
  const rm = await docker(d, ['volume', 'rm', 'nope']);
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, /get nope: no such volume/);
  assert.equal((await docker(d, ['volume', 'rm', '-f', 'nope'])).code, 0);
});

test('a volume in use cannot be removed, even by a stopped container; it survives the container', async () => {
  assert.equal((await docker(d, ['volume', 'create', 'used-vol'])).code, 0);
  const run = await docker(d, ['run', '--name', 'user1', '-v', 'used-vol:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f']);
  assert.equal(run.code, 0, run.stderr);
  const id = (await docker(d, ['inspect', '-f', '{{.Id}}', 'user1'])).stdout.trim();
  const rm = await docker(d, ['volume', 'rm', 'used-vol']);
  assert.equal(rm.code, 1);
  assert.match(rm.stderr, new RegExp(`remove used-vol: volume is in use - \\[${id}\\]`));
  const forced = await berth(d, ['volume', 'rm', '-f', 'used-vol']);
  assert.equal(forced.code, 1, '-f does not remove a volume in use');
  const dangling = await docker(d, ['volume', 'ls', '-q', '-f', 'dangling=false']);
  assert.match(dangling.stdout, /^used-vol$/m);
  assert.equal((await docker(d, ['rm', '-v', 'user1'])).code, 0);
  assert.equal(await readFile(join(d.dataRoot, 'volumes/used-vol/_data/f'), 'utf8'), 'kept\n', 'rm -v keeps named volumes');
  const gone = await docker(d, ['volume', 'rm', 'used-vol']);
  assert.equal(gone.code, 0, gone.stderr);
  assert.equal(gone.stdout, 'used-vol\n');
  assert.equal(await exists(join(d.dataRoot, 'volumes/used-vol')), false);
});

test('prune removes only unused anonymous volumes, unless --all; label filters apply', async () => {
  assert.equal((await docker(d, ['volume', 'create', '--label', 'p=1', 'named-prune'])).code, 0);
  assert.equal((await docker(d, ['volume', 'create', 'named-keep'])).code, 0);
  const anon = (await docker(d, ['volume', 'create', '--label', 'p=1'])).stdout.trim();
  const i = JSON.parse((await docker(d, ['volume', 'inspect', anon])).stdout) as Array<{ Labels: Record<string, string> }>;
  assert.deepEqual(i[0]!.Labels, { 'com.docker.volume.anonymous': '', p: '1' });
  // An anonymous volume still referenced by a container stays.
  assert.equal((await docker(d, ['create', '--name', 'holder', '-v', '/held', 'busybox'])).code, 0);
  const held = (await docker(d, ['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'holder'])).stdout.trim();

  const p = await docker(d, ['volume', 'prune', '-f']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, new RegExp(`Deleted Volumes:\\n(.*\\n)*${anon}\\n`));
  assert.match(p.stdout, /Total reclaimed space: /);
  const names = (await docker(d, ['volume', 'ls', '-q'])).stdout.split('\n');
  assert.ok(names.includes('named-prune') && names.includes('named-keep') && names.includes(held));
  assert.ok(!names.includes(anon));

  const byLabel = await berth(d, ['volume', 'prune', '-f', '-a', '--filter', 'label=p=1']);
  assert.equal(byLabel.code, 0, byLabel.stderr);
  const after = (await docker(d, ['volume', 'ls', '-q'])).stdout.split('\n');
  assert.ok(!after.includes('named-prune') && after.includes('named-keep') && after.includes(held));
  assert.equal((await docker(d, ['rm', '-v', 'holder'])).code, 0);
  assert.ok(!(await docker(d, ['volume', 'ls', '-q'])).stdout.includes(held), 'rm -v removed the anonymous volume');
});

test('a tmpfs volume is mounted while a container uses it and unmounted after', async () => {
  const before = await mountsUnder(d.root);
  const c = await docker(d, ['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=10m', 'tmp-vol']);
  assert.equal(c.code, 0, c.stderr);
  const i = JSON.parse((await docker(d, ['volume', 'inspect', 'tmp-vol'])).stdout) as Array<{ Options: Record<string, string> }>;
  assert.deepEqual(i[0]!.Options, { device: 'tmpfs', o: 'size=10m', type: 'tmpfs' });
  const r = await docker(d, ['run', '--rm', '-v', 'tmp-vol:/t', 'busybox', 'df', '-k', '/t']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /tmpfs\s+10240\s/);
  const bg = await docker(d, ['run', '-d', '--name', 'tmp-user', '-v', 'tmp-vol:/t', 'busybox', 'sh', '-c', 'echo hi > /t/f; sleep 60']);
  assert.equal(bg.code, 0, bg.stderr);
  for (let i = 0; i < 50 && !(await exists(join(d.dataRoot, 'volumes/tmp-vol/_data/f'))); i++) await new Promise((res) => setTimeout(res, 100));
  assert.ok(await exists(join(d.dataRoot, 'volumes/tmp-vol/_data/f')), 'the host sees the volume while it is mounted');
  assert.equal((await docker(d, ['rm', '-f', 'tmp-user'])).code, 0);
  assert.equal(await exists(join(d.dataRoot, 'volumes/tmp-vol/_data/f')), false, 'tmpfs content is gone with the last user');
  assert.equal(await mountsUnder(d.root), before, 'no mount left behind');
  assert.equal((await docker(d, ['volume', 'rm', 'tmp-vol'])).code, 0);
});
