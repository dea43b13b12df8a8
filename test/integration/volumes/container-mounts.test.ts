import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, docker, exists, runCmd, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

let d: Daemon;
let hostDir: string;

interface MountView {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

useBusyboxDaemon({
  setup: async (daemon) => {
    d = daemon;
    hostDir = join(d.root, 'host');
    await mkdir(hostDir);
    // An image with content under a VOLUME, owned by 1000 with an unusual mode, for copy-up.
    const mk = await docker(d, ['run', '--name', 'mk', 'busybox', 'sh', '-c', 'mkdir -p /data/sub && echo img > /data/sub/f && ln -s sub/f /data/link && chown -R 1000:1001 /data && chmod 750 /data']);
    assert.equal(mk.code, 0, mk.stderr);
    const c = await docker(d, ['commit', '-c', 'VOLUME /data', 'mk', 'withdata:latest']);
    assert.equal(c.code, 0, c.stderr);
  },
});

async function mounts(ref: string): Promise<MountView[]> {
  const r = await docker(d, ['inspect', '-f', '{{json .Mounts}}', ref]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as MountView[];
}

async function mountsUnder(root: string): Promise<number> {
  return (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(` ${root}`)).length;
}

test('seed story: a file written to our-vol is in its Mountpoint and in a second container (berth and docker)', async () => {
  for (const [cli, vol] of [[berth, 'our-vol'], [docker, 'our-vol-d']] as const) {
    assert.equal((await cli(d, ['volume', 'create', vol])).code, 0);
    const run = await cli(d, ['run', '-v', `${vol}:/app`, '--name', `one-${vol}`, 'busybox', 'touch', '/app/test.txt']);
    assert.equal(run.code, 0, run.stderr);
    const mp = JSON.parse((await cli(d, ['volume', 'inspect', vol])).stdout)[0].Mountpoint as string;
    assert.ok(await exists(join(mp, 'test.txt')), `test.txt in ${mp}`);
    const two = await cli(d, ['run', '--rm', '-v', `${vol}:/app`, 'busybox', 'ls', '/app']);
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, 'test.txt\n');
  }
  const [m] = await mounts('one-our-vol');
  assert.deepEqual(m, {
    Type: 'volume', Name: 'our-vol', Source: join(d.dataRoot, 'volumes/our-vol/_data'), Destination: '/app', Driver: 'local', Mode: 'z', RW: true, Propagation: '',
  });
  const hc = JSON.parse((await docker(d, ['inspect', '-f', '{{json .HostConfig.Binds}}', 'one-our-vol'])).stdout);
  assert.deepEqual(hc, ['our-vol:/app']);
});

test('run -v creates a missing named volume and copies the image content into it, owners and modes kept', async () => {
  const r = await docker(d, ['run', '--rm', '-v', 'fresh:/data', 'withdata', 'cat', '/data/sub/f']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'img\n');
  const data = join(d.dataRoot, 'volumes/fresh/_data');
  const root = await stat(data);
  assert.equal(root.mode & 0o7777, 0o750);
  assert.equal(root.uid, 1000);
  assert.equal(root.gid, 1001);
  assert.equal((await stat(join(data, 'sub/f'))).uid, 1000);
  assert.equal(await readFile(join(data, 'link'), 'utf8'), 'img\n');
  // Not empty any more: a second use does not copy again over the user's changes.
  assert.equal((await docker(d, ['run', '--rm', '-v', 'fresh:/data', 'withdata', 'rm', '/data/sub/f'])).code, 0);
  assert.equal((await docker(d, ['run', '--rm', '-v', 'fresh:/data', 'withdata', 'ls', '/data/sub'])).stdout, '');
  // nocopy leaves a new volume empty.
  const nc = await docker(d, ['run', '--rm', '-v', 'nocopy-vol:/data:nocopy', 'withdata', 'ls', '-A', '/data']);
  assert.equal(nc.code, 0, nc.stderr);
  assert.equal(nc.stdout, '');
  const ncm = await berth(d, ['run', '--rm', '--mount', 'type=volume,src=nocopy-vol2,dst=/data,volume-nocopy', 'withdata', 'ls', '-A', '/data']);
  assert.equal(ncm.stdout, '');
});

test('image VOLUME and -v /path make anonymous volumes; rm -v and --rm remove them, plain rm keeps them', async () => {
  const before = new Set((await docker(d, ['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean));
  const run = await docker(d, ['run', '--name', 'anon1', '-v', '/scratch', 'withdata', 'sh', '-c', 'cat /data/sub/f > /scratch/copy']);
  assert.equal(run.code, 0, run.stderr);
  const ms = await mounts('anon1');
  assert.equal(ms.length, 2);
  for (const m of ms) {
    assert.equal(m.Type, 'volume');
    assert.match(m.Name!, /^[0-9a-f]{64}$/);
    assert.equal(m.Mode, '');
    assert.equal(m.RW, true);
  }
  const scratch = ms.find((m) => m.Destination === '/scratch')!;
  assert.equal(await readFile(join(scratch.Source, 'copy'), 'utf8'), 'img\n');
  const labels = JSON.parse((await docker(d, ['volume', 'inspect', '-f', '{{json .Labels}}', scratch.Name!])).stdout);
  assert.deepEqual(labels, { 'com.docker.volume.anonymous': '' });
  assert.equal((await docker(d, ['rm', '-v', 'anon1'])).code, 0);
  assert.equal(await exists(scratch.Source), false);

  const kept = await berth(d, ['run', '--name', 'anon2', 'withdata', 'true']);
  assert.equal(kept.code, 0, kept.stderr);
  const [k] = await mounts('anon2');
  assert.equal((await berth(d, ['rm', 'anon2'])).code, 0);
  assert.ok(await exists(k!.Source), 'rm without -v keeps anonymous volumes');
  assert.equal((await berth(d, ['volume', 'rm', k!.Name!])).code, 0);

  const auto = await docker(d, ['run', '--rm', '-v', '/x', 'withdata', 'true']);
  assert.equal(auto.code, 0, auto.stderr);
  await new Promise((r) => setTimeout(r, 300));
  const after = (await docker(d, ['volume', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
  assert.deepEqual(after.filter((n) => !before.has(n) && /^[0-9a-f]{64}$/.test(n)), [], '--rm removed its anonymous volumes');
});

test('bind mounts: ro refuses writes, rw writes through, -v creates a missing host dir, --mount does not', async () => {
  await writeFile(join(hostDir, 'in.txt'), 'from host\n');
  const ro = await docker(d, ['run', '--rm', '-v', `${hostDir}:/h:ro`, 'busybox', 'sh', '-c', 'cat /h/in.txt; touch /h/new']);
  assert.equal(ro.stdout, 'from host\n');
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
  const rw = await berth(d, ['run', '--rm', '--name', 'rw1', '-v', `${hostDir}:/h`, 'busybox', 'sh', '-c', 'echo ctr > /h/out.txt']);
  assert.equal(rw.code, 0, rw.stderr);
  assert.equal(await readFile(join(hostDir, 'out.txt'), 'utf8'), 'ctr\n');

  const missing = join(d.root, 'created/by/v');
  const mk = await docker(d, ['run', '--name', 'bind1', '-v', `${missing}:/m:ro`, 'busybox', 'true']);
  assert.equal(mk.code, 0, mk.stderr);
  assert.ok((await stat(missing)).isDirectory());
  assert.deepEqual(await mounts('bind1'), [{ Type: 'bind', Source: missing, Destination: '/m', Mode: 'ro', RW: false, Propagation: 'rprivate' }]);

  const nope = join(d.root, 'nope');
  const m = await docker(d, ['run', '--rm', '--mount', `type=bind,source=${nope},target=/a`, 'busybox', 'true']);
  assert.equal(m.code, 125);
  assert.match(m.stderr, new RegExp(`invalid mount config for type "bind": bind source path does not exist: ${nope}`));
  assert.equal(await exists(nope), false);
  const b = await berth(d, ['run', '--rm', '--mount', `type=bind,source=${nope},target=/a`, 'busybox', 'true']);
  assert.match(b.stderr, /bind source path does not exist/);
  const ok = await berth(d, ['run', '--name', 'bind2', '--mount', `type=bind,source=${hostDir},target=/h,readonly`, 'busybox', 'cat', '/h/in.txt']);
  assert.equal(ok.stdout, 'from host\n');
  assert.deepEqual(await mounts('bind2'), [{ Type: 'bind', Source: hostDir, Destination: '/h', Mode: '', RW: false, Propagation: 'rprivate' }]);
});

test('mount errors are Docker\'s', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['-v', 'v1:/a', '-v', 'v2:/a'], /Duplicate mount point: \/a/],
    [['--tmpfs', '/a', '-v', 'v1:/a'], /Duplicate mount point: \/a/],
    [['-v', 'v1:rel'], /invalid volume specification: 'v1:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute/],
    [['-v', '/a:rw'], /invalid volume specification: '\/a:rw'/],
    [['-v', 'v1:/a:bogus'], /invalid mode: bogus/],
    [['--mount', 'type=volume,source=v1,target=/'], /invalid mount config for type "volume": invalid specification: destination can't be '\/'/],
    [['--mount', 'type=bind,target=/a'], /invalid mount config for type "bind": field Source must not be empty/],
    [['--mount', 'type=tmpfs,src=x,target=/a'], /invalid mount config for type "tmpfs": field Source must not be specified/],
    [['--mount', 'type=foo,target=/a'], /invalid mount config for type "foo": mount type unknown/],
    [['--mount', 'type=volume,target=/a,readonly'], /must not set ReadOnly mode when using anonymous volumes/],
    [['--volumes-from', 'nosuch'], /No such container: nosuch/],
  ];
  for (const [args, re] of cases) {
    const r = await docker(d, ['run', '--rm', ...args, 'busybox', 'true']);
    assert.equal(r.code, 125, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  const cli = await berth(d, ['run', '--rm', '--mount', 'type=volume,src=v,target=/a,tmpfs-size=1', 'busybox', 'true']);
  assert.equal(cli.code, 125);
  assert.match(cli.stderr, /invalid argument "type=volume,src=v,target=\/a,tmpfs-size=1" for "--mount" flag: cannot mix 'tmpfs-\*' options with mount type 'volume'/);
  const key = await berth(d, ['run', '--rm', '--mount', 'type=volume,foo=bar,target=/a', 'busybox', 'true']);
  assert.match(key.stderr, /unexpected key 'foo' in 'foo=bar'/);
});

test('tmpfs mounts: --tmpfs and --mount type=tmpfs with size and mode', async () => {
  const t = await docker(d, ['run', '--rm', '--tmpfs', '/run:size=64m', 'busybox', 'df', '-k', '/run']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /tmpfs\s+65536\s/);
  const m = await berth(d, ['run', '--name', 'tmpfs1', '--mount', 'type=tmpfs,target=/tt,tmpfs-size=1m,tmpfs-mode=1770', 'busybox', 'sh', '-c', 'df -k /tt; stat -c %a /tt']);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /tmpfs\s+1024\s/);
  assert.match(m.stdout, /^1770$/m);
  assert.deepEqual(await mounts('tmpfs1'), [{ Type: 'tmpfs', Source: '', Destination: '/tt', Mode: '', RW: true, Propagation: '' }]);
});

test('--volumes-from shares volumes and binds, :ro makes them read-only', async () => {
  const src = await docker(d, ['create', '--name', 'datasrc', '-v', 'shared-vol:/shared', '-v', `${hostDir}:/h`, '-v', '/anon', 'busybox']);
  assert.equal(src.code, 0, src.stderr);
  const w = await docker(d, ['run', '--rm', '--volumes-from', 'datasrc', 'busybox', 'sh', '-c', 'echo via-from > /shared/f && ls /h/in.txt']);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(await readFile(join(d.dataRoot, 'volumes/shared-vol/_data/f'), 'utf8'), 'via-from\n');
  const ro = await berth(d, ['run', '--name', 'vfro', '--volumes-from', 'datasrc:ro', 'busybox', 'sh', '-c', 'cat /shared/f; touch /shared/g']);
  assert.match(ro.stdout, /via-from/);
  assert.notEqual(ro.code, 0);
  const ms = await mounts('vfro');
  assert.deepEqual(ms.map((m) => [m.Destination, m.RW, m.Mode]).sort(), [['/anon', false, ''], ['/h', false, ''], ['/shared', false, '']]);
  const bad = await docker(d, ['run', '--rm', '--volumes-from', 'datasrc:shared', 'busybox', 'true']);
  assert.match(bad.stderr, /invalid mode: shared/);
  // The anonymous volume is shared: rm -v of its creator leaves it to the other user.
  const anon = ms.find((m) => m.Destination === '/anon')!.Name!;
  assert.equal((await docker(d, ['rm', '-v', 'datasrc'])).code, 0);
  assert.ok((await docker(d, ['volume', 'ls', '-q'])).stdout.includes(anon));
  assert.equal((await docker(d, ['rm', '-v', 'vfro'])).code, 0);
  assert.ok(!(await docker(d, ['volume', 'ls', '-q'])).stdout.includes(anon));
});

test('volume data never enters diff, commit or export; cp reads and writes the volume', async () => {
  const run = await docker(d, ['run', '--name', 'isolate', '-v', 'iso-vol:/vol', '-v', `${hostDir}:/hostmnt`, 'busybox', 'sh', '-c', 'echo secret > /vol/data; echo layer > /in-layer']);
  assert.equal(run.code, 0, run.stderr);
  const diff = await docker(d, ['diff', 'isolate']);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /A \/in-layer/);
  assert.doesNotMatch(diff.stdout, /\/vol\/data|hostmnt\/in\.txt/);
  const exp = await runCmd('sh', ['-c', `DOCKER_HOST=${d.host} docker export isolate | tar -t`]);
  assert.equal(exp.code, 0, exp.stderr);
  assert.match(exp.stdout, /^in-layer$/m);
  assert.doesNotMatch(exp.stdout, /vol\/data|hostmnt\/in\.txt/);
  assert.equal((await docker(d, ['commit', 'isolate', 'isolated:latest'])).code, 0);
  const fromImage = await docker(d, ['run', '--rm', 'isolated', 'sh', '-c', 'cat /in-layer; ls -A /vol /hostmnt']);
  assert.equal(fromImage.code, 0, fromImage.stderr);
  assert.equal(fromImage.stdout.split('\n')[0], 'layer');
  assert.doesNotMatch(fromImage.stdout, /data|in\.txt/);

  const out = await runCmd('sh', ['-c', `DOCKER_HOST=${d.host} docker cp isolate:/vol/data - | tar -xO`]);
  assert.equal(out.stdout, 'secret\n', out.stderr);
  await writeFile(join(d.root, 'cp-in.txt'), 'copied in\n');
  const cpIn = await docker(d, ['cp', join(d.root, 'cp-in.txt'), 'isolate:/vol/']);
  assert.equal(cpIn.code, 0, cpIn.stderr);
  assert.equal(await readFile(join(d.dataRoot, 'volumes/iso-vol/_data/cp-in.txt'), 'utf8'), 'copied in\n');
  assert.ok((await readdir(join(d.dataRoot, 'volumes/iso-vol/_data'))).includes('data'));
});

test('no mounts leak: rootfs and volume mounts are gone after containers exit and are removed', async () => {
  const before = await mountsUnder(d.root);
  assert.equal((await docker(d, ['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', 'leak-tmp'])).code, 0);
  const ids: string[] = [];
  for (const args of [['-v', 'leak-tmp:/t'], ['-v', 'leak-named:/n', '-v', '/anon'], ['--mount', 'type=tmpfs,dst=/tt'], ['-v', `${hostDir}:/h`]]) {
    const r = await docker(d, ['run', '-d', ...args, 'busybox', 'sleep', '30']);
    assert.equal(r.code, 0, r.stderr);
    ids.push(r.stdout.trim());
  }
  assert.ok((await mountsUnder(d.root)) > before);
  const rm = await docker(d, ['rm', '-f', '-v', ...ids]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(await mountsUnder(d.root), before);
  assert.equal((await docker(d, ['volume', 'rm', 'leak-tmp', 'leak-named'])).code, 0);
});
