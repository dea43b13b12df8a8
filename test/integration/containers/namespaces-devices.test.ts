import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readlink, rmdir } from 'node:fs/promises';
import { berth, docker } from '../../helpers/berthd.js';
import { stdoutOf } from '../../helpers/expect.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

const daemon = useBusyboxDaemon();

const out = stdoutOf;

test('--device gives the host node with its cgroup permissions; --group-add adds groups by number and name', async () => {
  const d = daemon();
  assert.match(await out(docker(d, ['run', '--rm', '--network', 'none', '--device', '/dev/fuse', 'busybox', 'ls', '-l', '/dev/fuse'])), /^c[rw-]{9}\s+1 root\s+root\s+10,\s+229 /);
  // Read-only in the device cgroup: opening it for writing is refused by the kernel.
  const ro = await berth(d, ['run', '--rm', '--network', 'none', '--device', '/dev/fuse:/dev/myfuse:r', 'busybox', 'sh', '-c', 'echo > /dev/myfuse']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr + ro.stdout, /Operation not permitted/);
  const missing = await docker(d, ['run', '--rm', '--device', '/dev/nonexistent', 'busybox', 'true']);
  assert.match(missing.stderr, /error gathering device information while adding custom device "\/dev\/nonexistent": no such file or directory/);
  assert.equal(await out(berth(d, ['run', '--rm', '--network', 'none', '--group-add', '1234', '--group-add', 'wheel', 'busybox', 'id', '-G'])), '0 10 1234\n');
  // An exec joins the same groups, as in Docker.
  await out(berth(d, ['run', '-d', '--name', 'grouped', '--network', 'none', '--group-add', '4321', 'busybox', 'sleep', '600']));
  assert.match(await out(docker(d, ['exec', 'grouped', 'id', '-G'])), /\b4321\n$/);
  await out(berth(d, ['rm', '-f', 'grouped']));
});

test('--pid and --ipc: host and container:<name> join those namespaces; --oom-score-adj and --memory-reservation apply', async () => {
  const d = daemon();
  const hostPid = await readlink('/proc/self/ns/pid');
  const hostIpc = await readlink('/proc/self/ns/ipc');
  assert.equal(await out(docker(d, ['run', '--rm', '--network', 'none', '--pid', 'host', '--ipc', 'host', 'busybox', 'sh', '-c', 'for n in pid ipc; do readlink /proc/self/ns/$n; done'])), `${hostPid}\n${hostIpc}\n`);
  await out(docker(d, ['run', '-d', '--name', 'nsowner', '--network', 'none', '--ipc', 'shareable', 'busybox', 'sleep', '600']));
  const owner = await out(docker(d, ['exec', 'nsowner', 'sh', '-c', 'for n in pid ipc; do readlink /proc/self/ns/$n; done']));
  assert.notEqual(owner, `${hostPid}\n${hostIpc}\n`);
  assert.equal(await out(berth(d, ['run', '--rm', '--network', 'none', '--pid', 'container:nsowner', '--ipc', 'container:nsowner', 'busybox', 'sh', '-c', 'for n in pid ipc; do readlink /proc/self/ns/$n; done'])), owner);
  // Sharing the owner's pid namespace: its sleep is visible.
  assert.match(await out(berth(d, ['run', '--rm', '--network', 'none', '--pid', 'container:nsowner', 'busybox', 'ps'])), /sleep 600/);
  await out(docker(d, ['rm', '-f', 'nsowner']));
  const stopped = await docker(d, ['run', '--rm', '--pid', 'container:nosuch', 'busybox', 'true']);
  assert.notEqual(stopped.code, 0);

  assert.equal(await out(docker(d, ['run', '--rm', '--network', 'none', '--oom-score-adj', '500', 'busybox', 'cat', '/proc/self/oom_score_adj'])), '500\n');
  assert.equal(await out(berth(d, ['run', '--rm', '--network', 'none', '--memory-reservation', '100m', 'busybox', 'cat', '/sys/fs/cgroup/memory/memory.soft_limit_in_bytes'])), `${100 * 1024 * 1024}\n`);
  assert.equal(await out(berth(d, ['run', '--rm', '--network', 'none', '--cpu-period', '100000', '--cpu-quota', '50000', 'busybox', 'cat', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us'])), '50000\n');
  const bad = await docker(d, ['run', '--rm', '--oom-score-adj', '5000', 'busybox', 'true']);
  assert.match(bad.stderr, /range for oom score adj is \[-1000, 1000\]/);
});

test('--uts host, --oom-kill-disable, --cgroup-parent, --memory-swappiness apply; what Berth cannot do is refused, never dropped', async () => {
  const d = daemon();
  const { hostname } = await import('node:os');
  assert.equal(await out(docker(d, ['run', '--rm', '--network', 'none', '--uts', 'host', 'busybox', 'hostname'])), `${hostname()}\n`);
  const conflict = await docker(d, ['run', '--rm', '--uts', 'host', '-h', 'x', 'busybox', 'true']);
  assert.match(conflict.stderr, /conflicting options: hostname and the UTS mode/);
  assert.match(await out(berth(d, ['run', '--rm', '--network', 'none', '-m', '64m', '--oom-kill-disable', 'busybox', 'cat', '/sys/fs/cgroup/memory/memory.oom_control'])), /^oom_kill_disable 1$/m);
  assert.equal(await out(docker(d, ['run', '--rm', '--network', 'none', '--memory-swappiness', '10', 'busybox', 'cat', '/sys/fs/cgroup/memory/memory.swappiness'])), '10\n');
  const id = (await out(docker(d, ['run', '-d', '--network', 'none', '--cgroup-parent', 'berth-test-parent', 'busybox', 'sleep', '600']))).trim();
  assert.match(await out(docker(d, ['exec', id, 'cat', '/proc/self/cgroup'])), new RegExp(`:memory:/berth-test-parent/${id}\\n`));
  const stats = JSON.parse(await out(docker(d, ['stats', '--no-stream', '--format', '{{json .}}', id]))) as { MemUsage: string };
  assert.doesNotMatch(stats.MemUsage, /^0B /, 'stats find the container under its parent');
  await out(docker(d, ['rm', '-f', id]));
  // runc leaves the parent it made in each hierarchy, as Docker does; the test takes it away.
  for (const controller of await readdir('/sys/fs/cgroup')) await rmdir(`/sys/fs/cgroup/${controller}/berth-test-parent`).catch(() => undefined);
  for (const [flags, re] of [
    [['--blkio-weight', '300'], /--blkio-weight is not supported by Berth/],
    [['--device-read-bps', '/dev/sda:1mb'], /block I\/O throttling .* is not supported by Berth/],
    [['--storage-opt', 'size=1G'], /--storage-opt is not supported by Berth/],
    [['--runtime', 'crun'], /unknown or invalid runtime name: crun/],
    [['--cgroupns', 'private'], /--cgroupns=private is not supported by Berth/],
  ] as const) {
    const r = await docker(d, ['run', '--rm', ...flags, 'busybox', 'true']);
    assert.notEqual(r.code, 0, flags.join(' '));
    assert.match(r.stderr, re, flags.join(' '));
  }
});
