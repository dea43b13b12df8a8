import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, busyboxTar, destroyDaemon, docker, startDaemon, type Daemon } from '../../helpers/berthd.js';

let d: Daemon;
let tar: string;
let bbId: string;

before(async () => {
  d = await startDaemon();
  tar = await busyboxTar();
  const r = await berth(d, ['import', '-c', 'CMD ["sh"]', '-m', 'base', tar, 'busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
  bbId = r.stdout.trim();
  assert.match(bbId, /^sha256:[a-f0-9]{64}$/);
});
after(async () => {
  if (d) await destroyDaemon(d);
});

test('berth images lists the imported image in Docker columns', async () => {
  const r = await berth(d, ['images']);
  assert.equal(r.code, 0, r.stderr);
  const [header, row] = r.stdout.split('\n');
  assert.match(header!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
  assert.match(row!, new RegExp(`^busybox\\s+latest\\s+${bbId.slice(7, 19)}\\s+.+ago\\s+\\d[\\d.]*[kM]?B$`));
  const q = await berth(d, ['images', '-q', 'busybox']);
  assert.equal(q.stdout, `${bbId.slice(7, 19)}\n`);
  const f = await berth(d, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', '--no-trunc']);
  assert.equal(f.stdout, `busybox:latest ${bbId}\n`);
  const t = await berth(d, ['images', '--format', 'table {{.Repository}}\t{{.Size}}']);
  assert.match(t.stdout, /^REPOSITORY\s+SIZE\nbusybox\s+\S+B\n$/);
});

test('the real docker CLI sees images, history and inspect', async () => {
  const v = await docker(d, ['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}']);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, /^0\.1\.0 1\.47/);
  const imgs = await docker(d, ['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']);
  assert.equal(imgs.stdout.trim(), `busybox:latest ${bbId.slice(7, 19)}`);
  const h = await docker(d, ['history', '--no-trunc', '--format', '{{.ID}}|{{.Comment}}', 'busybox']);
  assert.equal(h.code, 0, h.stderr);
  assert.equal(h.stdout.trim(), `${bbId}|base`);
  const i = await docker(d, ['image', 'inspect', 'busybox']);
  const [info] = JSON.parse(i.stdout) as Array<{ Id: string; RepoTags: string[]; Config: { Cmd: string[] }; RootFS: { Layers: string[] }; Os: string }>;
  assert.equal(info!.Id, bbId);
  assert.deepEqual(info!.RepoTags, ['busybox:latest']);
  assert.deepEqual(info!.Config.Cmd, ['sh']);
  assert.equal(info!.RootFS.Layers.length, 1);
  assert.equal(info!.Os, 'linux');
});

test('docker save | docker load keeps the image ID, into this and a fresh daemon', async () => {
  const saved = await docker(d, ['save', 'busybox']);
  assert.equal(saved.code, 0, saved.stderr);
  const archive = Buffer.from(saved.stdout, 'latin1');
  const loaded = await docker(d, ['load'], archive);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /Loaded image: busybox:latest/);

  const fresh = await startDaemon();
  try {
    const r = await docker(fresh, ['load'], archive);
    assert.equal(r.code, 0, r.stderr);
    const ids = await docker(fresh, ['images', '--no-trunc', '-q']);
    assert.equal(ids.stdout.trim(), bbId);
    const run = await berth(fresh, ['history', '-q', 'busybox']);
    assert.equal(run.stdout.trim(), bbId.slice(7, 19));
  } finally {
    await destroyDaemon(fresh);
  }
});

test('berth save -o and load -i round trip; the archive is an OCI layout too', async () => {
  const out = join(d.root, 'bb.tar');
  const s = await berth(d, ['save', '-o', out, 'busybox']);
  assert.equal(s.code, 0, s.stderr);
  const list = await readFile(out);
  for (const name of ['index.json', 'manifest.json', 'oci-layout', `blobs/sha256/${bbId.slice(7)}`]) {
    assert.ok(list.includes(Buffer.from(name)), `${name} in archive`);
  }
  const l = await berth(d, ['load', '-i', out]);
  assert.equal(l.code, 0, l.stderr);
  assert.equal(l.stdout, 'Loaded image: busybox:latest\n');
});

test('tag and rmi follow Docker: untag first, conflicts across repositories, -f', async () => {
  assert.equal((await docker(d, ['tag', 'busybox', 'example.com/team/bb:1'])).code, 0);
  assert.equal((await berth(d, ['tag', 'busybox', 'bb:2'])).code, 0);
  const conflict = await docker(d, ['rmi', bbId.slice(7, 19)]);
  assert.notEqual(conflict.code, 0);
  assert.match(conflict.stderr, /conflict: unable to delete [a-f0-9]{12} \(must be forced\) - image is referenced in multiple repositories/);
  const untag = await docker(d, ['rmi', 'bb:2']);
  assert.equal(untag.stdout, 'Untagged: bb:2\n');
  const untag2 = await berth(d, ['rmi', 'example.com/team/bb:1']);
  assert.equal(untag2.stdout, 'Untagged: example.com/team/bb:1\n');
  const still = await docker(d, ['images', '-q']);
  assert.equal(still.stdout.trim(), bbId.slice(7, 19));
});

test('bad references and unknown images get Docker errors and status codes', async () => {
  const missing = await docker(d, ['rmi', 'nosuch:1']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Error response from daemon: No such image: nosuch:1/);
  const bad = await fetchApi(d, 'POST', '/v1.47/images/busybox/tag?repo=Bad&tag=x');
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /invalid reference format: repository name \(library\/Bad\) must be lowercase/);
  const badTag = await fetchApi(d, 'POST', '/v1.47/images/busybox/tag?repo=ok&tag=-x');
  assert.equal(badTag.status, 400);
  const nf = await fetchApi(d, 'GET', '/images/nosuch/json');
  assert.equal(nf.status, 404);
  assert.equal(nf.body.message, 'No such image: nosuch:latest');
  const badFilter = await fetchApi(d, 'GET', `/images/json?filters=${encodeURIComponent('{"nope":["x"]}')}`);
  assert.equal(badFilter.status, 400);
  assert.equal(badFilter.body.message, "invalid filter 'nope'");
});

test('untagged imports are dangling and image prune removes them', async () => {
  const r = await berth(d, ['import', tar]);
  assert.equal(r.code, 0, r.stderr);
  const danglingId = r.stdout.trim();
  assert.notEqual(danglingId, bbId);
  const dang = await docker(d, ['images', '-f', 'dangling=true', '-q', '--no-trunc']);
  assert.equal(dang.stdout.trim(), danglingId);
  const ls = await berth(d, ['images']);
  assert.match(ls.stdout, /<none>\s+<none>/);
  const p = await docker(d, ['image', 'prune', '-f']);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, new RegExp(`deleted: ${danglingId}`));
  const after = await docker(d, ['images', '-q', '--no-trunc']);
  assert.equal(after.stdout.trim(), bbId);
});

test('API versions 1.24 up to ours are served; others refused with Docker wording', async () => {
  assert.equal((await fetchApi(d, 'GET', '/v1.24/version')).status, 200);
  const old = await fetchApi(d, 'GET', '/v1.23/version');
  assert.equal(old.status, 400);
  assert.match(old.body.message, /client version 1\.23 is too old\. Minimum supported API version is 1\.24/);
  const nw = await fetchApi(d, 'GET', '/v1.99/version');
  assert.equal(nw.status, 400);
  assert.match(nw.body.message, /client version 1\.99 is too new\. Maximum supported API version is 1\.47/);
  const ping = await fetchApi(d, 'HEAD', '/_ping');
  assert.equal(ping.status, 200);
  assert.equal(ping.headers['api-version'], '1.47');
  assert.equal(ping.headers['ostype'], 'linux');
  assert.equal(ping.headers['docker-experimental'], 'false');
  assert.equal(ping.headers['builder-version'], '1');
  const legacy = await fetchApi(d, 'GET', '/v1.40/images/json');
  assert.equal((legacy.body as unknown as Array<{ VirtualSize?: number }>)[0]!.VirtualSize !== undefined, true);
  const unknown = await fetchApi(d, 'GET', '/nope');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.message, 'page not found');
});

import { request } from 'node:http';
function fetchApi(dd: Daemon, method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: { message: string } }> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: dd.socket, method, path }, (r) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body: text ? (JSON.parse(text) as { message: string }) : { message: '' } }));
    });
    req.on('error', rej);
    req.end();
  });
}
