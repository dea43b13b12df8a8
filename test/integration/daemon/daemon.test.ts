import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import { BERTHD, berth, busyboxTar, destroyDaemon, docker, exists, runCmd, startDaemon } from '../../helpers/berthd.js';

test('socket is 0660, group berth when the group exists; SIGTERM exits cleanly and removes pid files', async () => {
  const d = await startDaemon();
  try {
    const st = await stat(d.socket);
    assert.equal(st.mode & 0o777, 0o660);
    const group = await runCmd('getent', ['group', 'berth']);
    if (group.code === 0) assert.equal(st.gid, Number(group.stdout.split(':')[2]));
    assert.ok(await exists(join(d.dataRoot, 'berthd.pid')));
    const code = await d.stop('SIGTERM');
    assert.equal(code, 0);
    assert.equal(await exists(join(d.dataRoot, 'berthd.pid')), false);
    assert.equal(await exists(d.socket), false);
  } finally {
    await destroyDaemon(d);
  }
});

test('a second berthd on the same data root is refused', async () => {
  const d = await startDaemon();
  try {
    const r = await runCmd(process.execPath, [BERTHD, '--data-root', d.dataRoot, '--exec-root', join(d.root, 'exec2')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /another berthd \(pid \d+\) is already using data root/);
    const still = await berth(d, ['version', '--format', '{{.Server.Version}}']);
    assert.equal(still.stdout.trim(), '0.1.0');
  } finally {
    await destroyDaemon(d);
  }
});

test('bad flags and config files are reported clearly', async () => {
  const bad = await runCmd(process.execPath, [BERTHD, '--nope']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Unknown option '--nope'/);
  const d = await startDaemon();
  try {
    const cfg = join(d.root, 'daemon.json');
    await writeFile(cfg, '{"log-level": 3}');
    const r = await runCmd(process.execPath, [BERTHD, '--config-file', cfg, '--data-root', join(d.root, 'x')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid config file .*log-level/);
    await writeFile(cfg, '{not json');
    const r2 = await runCmd(process.execPath, [BERTHD, '--config-file', cfg]);
    assert.match(r2.stderr, /invalid JSON in config file/);
  } finally {
    await destroyDaemon(d);
  }
});

test('a client that cannot reach the daemon is told so', async () => {
  const r = await runCmd(process.execPath, [join(BERTHD, '../berth.js'), '-H', 'unix:///nonexistent/berth.sock', 'images']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot connect to the Berth daemon at unix:\/\/\/nonexistent\/berth\.sock\. Is berthd running\?/);
});

test('berthd killed with -9 in the middle of a load leaves no half image, and the next start sweeps the blobs', async () => {
  const d = await startDaemon();
  const tar = await busyboxTar();
  try {
    const imp = await berth(d, ['import', tar, 'base:1']);
    assert.equal(imp.code, 0, imp.stderr);
    const archive = await docker(d, ['save', 'base:1']);
    await berth(d, ['rmi', 'base:1']);
    const blobsBefore = await readdir(join(d.dataRoot, 'content/blobs/sha256'));
    assert.deepEqual(blobsBefore, []);
    const data = Buffer.from(archive.stdout, 'latin1');
    // Send most of the archive, then kill the daemon before the rest arrives.
    await new Promise<void>((resolve) => {
      const req = request({ socketPath: d.socket, method: 'POST', path: '/images/load', headers: { 'Content-Type': 'application/x-tar' } });
      req.on('error', () => resolve());
      req.write(data.subarray(0, data.length - 3000), () => {
        setTimeout(() => {
          d.proc.kill('SIGKILL');
          resolve();
        }, 300);
      });
    });
    await d.stop();
    const again = await startDaemon([], { root: d.root });
    try {
      const ids = await docker(again, ['images', '-a', '-q']);
      assert.equal(ids.stdout, '');
      assert.deepEqual(await readdir(join(again.dataRoot, 'content/blobs/sha256')), []);
      assert.deepEqual(await readdir(join(again.dataRoot, 'content/ingest')), []);
      const snaps = await readdir(join(again.dataRoot, 'snapshots/snapshots'));
      assert.deepEqual(snaps, []);
    } finally {
      await destroyDaemon(again);
    }
  } finally {
    await destroyDaemon(d);
  }
});

test('a user outside group berth gets permission denied with a hint; a member gets through', async () => {
  const d = await startDaemon();
  try {
    await runCmd('chmod', ['755', d.root]);
    const denied = await runCmd('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(BERTHD, '../berth.js'), '-H', d.host, 'images']);
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /permission denied while trying to connect to the Berth daemon socket/);
    assert.match(denied.stderr, /'berth' group/);
    const group = await runCmd('getent', ['group', 'berth']);
    if (group.code !== 0) return;
    const gid = group.stdout.split(':')[2]!;
    const member = await runCmd('setpriv', ['--reuid=65534', '--regid=65534', `--groups=${gid}`, process.execPath, join(BERTHD, '../berth.js'), '-H', d.host, 'images', '-q']);
    assert.equal(member.code, 0, member.stderr);
  } finally {
    await destroyDaemon(d);
  }
});
