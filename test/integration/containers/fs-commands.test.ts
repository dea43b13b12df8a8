import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { berth, docker, exists, runCmd, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

let d: Daemon;

useBusyboxDaemon({
  setup: async (daemon) => {
    d = daemon;
    const run = await docker(d, ['run', '--name', 'ctr', 'busybox', 'sh', '-c', 'echo changed > /the-file; echo more >> /etc/passwd; rm /etc/group; mkdir /tmp/d; echo x > /tmp/d/f']);
    assert.equal(run.code, 0, run.stderr);
  },
});

/** One tar entry, ustar, for hand-made hostile archives. */
function tarEntry(name: string, body: Buffer): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\x0000', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([h, body, pad]);
}

function put(socket: string, path: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'PUT', path, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('docker diff and berth diff show added, changed and deleted paths', async () => {
  const want = ['C /etc', 'D /etc/group', 'C /etc/passwd', 'A /the-file', 'C /tmp', 'A /tmp/d', 'A /tmp/d/f'].join('\n');
  const dd = await docker(d, ['diff', 'ctr']);
  assert.equal(dd.code, 0, dd.stderr);
  assert.deepEqual(dd.stdout.trim().split('\n').sort(), want.split('\n').sort());
  const bd = await berth(d, ['diff', 'ctr']);
  assert.equal(bd.code, 0, bd.stderr);
  assert.equal(bd.stdout.trim(), want);
});

test('docker commit makes an image with the change; the original image stays as it was', async () => {
  const c = await docker(d, ['commit', '-m', 'my change', '-c', 'ENV FOO=bar', 'ctr', 'busybox:changed']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
  const seen = await docker(d, ['run', '--rm', 'busybox:changed', 'sh', '-c', 'cat /the-file; echo $FOO; test -e /etc/group || echo gone']);
  assert.equal(seen.code, 0, seen.stderr);
  assert.equal(seen.stdout, 'changed\nbar\ngone\n');
  const orig = await docker(d, ['run', '--rm', 'busybox', 'sh', '-c', 'test -e /the-file && echo present || echo absent; test -e /etc/group && echo kept']);
  assert.equal(orig.stdout, 'absent\nkept\n');
  const h = await docker(d, ['history', '--format', '{{.CreatedBy}}|{{.Comment}}', 'busybox:changed']);
  assert.equal(h.code, 0, h.stderr);
  const rows = h.stdout.trim().split('\n');
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /^sh -c echo changed > \/the-file.*\|my change$/);
  const i = await docker(d, ['image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'busybox:changed']);
  assert.equal(i.stdout.trim(), '2');
  const b = await berth(d, ['commit', '-m', 'again', 'ctr']);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout.trim(), /^sha256:[a-f0-9]{64}$/);
});

test('docker export and berth export contain the container file system', async () => {
  const e = await docker(d, ['export', 'ctr']);
  assert.equal(e.code, 0, e.stderr);
  const out = join(d.root, 'export.tar');
  await writeFile(out, Buffer.from(e.stdout, 'latin1'));
  const list = await runCmd('tar', ['tf', out]);
  const names = list.stdout.split('\n');
  assert.ok(names.includes('the-file'));
  assert.ok(names.includes('bin/busybox'));
  assert.ok(!names.includes('etc/group'));
  const file = join(d.root, 'export2.tar');
  const b = await berth(d, ['export', '-o', file, 'ctr']);
  assert.equal(b.code, 0, b.stderr);
  const x = await runCmd('tar', ['xOf', file, 'the-file']);
  assert.equal(x.stdout, 'changed\n');
  // A stopped container's rootfs was mounted only for the export.
  const mounts = await readFile('/proc/self/mountinfo', 'utf8');
  assert.ok(!mounts.includes(d.root), 'nothing stays mounted under the daemon roots');
});

test('docker cp copies both ways, for stopped and running containers', async () => {
  const host = join(d.root, 'cp');
  await mkdir(host, { recursive: true });
  const out = await docker(d, ['cp', 'ctr:/tmp/d', host]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(await readFile(join(host, 'd', 'f'), 'utf8'), 'x\n');
  const renamed = await docker(d, ['cp', 'ctr:/the-file', join(host, 'copy')]);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.equal(await readFile(join(host, 'copy'), 'utf8'), 'changed\n');

  await writeFile(join(host, 'in.txt'), 'from host\n');
  const run = await docker(d, ['run', '-d', '--name', 'live', 'busybox', 'sleep', '300']);
  assert.equal(run.code, 0, run.stderr);
  const into = await docker(d, ['cp', join(host, 'in.txt'), 'live:/root/']);
  assert.equal(into.code, 0, into.stderr);
  const cat = await docker(d, ['exec', 'live', 'cat', '/root/in.txt']);
  assert.equal(cat.stdout, 'from host\n');
  const stopped = await docker(d, ['cp', join(host, 'in.txt'), 'ctr:/in-stopped']);
  assert.equal(stopped.code, 0, stopped.stderr);
  const back = await berth(d, ['cp', 'ctr:/in-stopped', join(host, 'back.txt')]);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(await readFile(join(host, 'back.txt'), 'utf8'), 'from host\n');
  const berthIn = await berth(d, ['cp', join(host, 'in.txt'), 'live:/tmp/b.txt']);
  assert.equal(berthIn.code, 0, berthIn.stderr);
  const tarOut = await berth(d, ['cp', 'live:/tmp/b.txt', '-']);
  assert.equal(tarOut.code, 0, tarOut.stderr);
  assert.match(tarOut.stdout, /^b\.txt\0/);
  const missing = await docker(d, ['cp', 'ctr:/nope', host]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /Could not find the file \/nope in container ctr/);
  await docker(d, ['rm', '-f', 'live']);
});

test('a tar entry escaping the target directory is refused with 400 and writes nothing outside', async () => {
  const hostile = Buffer.concat([tarEntry('../../escape', Buffer.from('evil\n')), Buffer.alloc(1024)]);
  const r = await put(d.socket, '/v1.47/containers/ctr/archive?path=/tmp', hostile);
  assert.equal(r.status, 400, r.text);
  assert.match(r.text, /escape/);
  const dataRoot = join(d.dataRoot, 'containers');
  for (const id of await readdir(dataRoot)) assert.equal(await exists(join(dataRoot, id, 'escape')), false);
  assert.equal(await exists(join(d.dataRoot, 'escape')), false);
  const link = Buffer.concat([tarEntry('../escape', Buffer.from('evil\n')), Buffer.alloc(1024)]);
  const r2 = await put(d.socket, '/v1.47/containers/ctr/archive?path=/', link);
  assert.equal(r2.status, 400, r2.text);
  const diff = await docker(d, ['diff', 'ctr']);
  assert.doesNotMatch(diff.stdout, /escape/);
});
