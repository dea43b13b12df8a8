// --init: Docker's docker-init (here Debian's static tini) as PID 1, reaping orphans and forwarding signals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { berth, docker, startDaemon, destroyDaemon, busyboxTar, type CmdResult, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

const daemon = useBusyboxDaemon();
type Cli = (d: Daemon, args: string[]) => Promise<CmdResult>;

for (const [name, cli] of [['docker', docker], ['berth', berth]] as Array<[string, Cli]>) {
  test(`${name} run --init: PID 1 is /sbin/docker-init running the command, orphans are reaped, stop's signal reaches the command`, async () => {
    const r = await cli(daemon(), ['run', '--rm', '--init', 'busybox', 'sh', '-c',
      'tr "\\0" " " </proc/1/cmdline; echo; (sleep 0.1 &); sleep 0.6; ps -o stat,comm | grep -c "^Z" || true']);
    assert.equal(r.code, 0, r.stderr);
    const [cmdline, zombies] = r.stdout.trim().split('\n');
    assert.match(cmdline!, /^\/sbin\/docker-init -- sh -c /);
    assert.equal(zombies, '0', 'the orphaned sleep was reaped');

    const c = `${name}-init`;
    await cli(daemon(), ['run', '-d', '--name', c, '--init', 'busybox', 'sleep', '100']);
    const started = Date.now();
    assert.equal((await cli(daemon(), ['stop', '-t', '10', c])).code, 0);
    assert.ok(Date.now() - started < 5000, 'tini forwarded SIGTERM to sleep: no 10 s timeout');
    const state = JSON.parse((await docker(daemon(), ['inspect', c])).stdout) as Array<{ State: { ExitCode: number }; HostConfig: { Init: boolean }; Path: string }>;
    assert.deepEqual([state[0]!.State.ExitCode, state[0]!.HostConfig.Init, state[0]!.Path], [143, true, 'sleep']);
    await cli(daemon(), ['rm', c]);
  });
}

test('daemon config "init": true gives every container docker-init unless it says --init=false; a missing init-path fails the start', async () => {
  const cfg = `/tmp/berth-init-${process.pid}.json`;
  await writeFile(cfg, JSON.stringify({ init: true, 'init-path': '/nonexistent/tini' }));
  const d = await startDaemon(['--config-file', cfg]);
  try {
    assert.equal((await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest'])).code, 0);
    const off = await docker(d, ['run', '--rm', '--init=false', 'busybox', 'cat', '/proc/1/comm']);
    assert.equal(off.stdout, 'cat\n', off.stderr);
    const missing = await docker(d, ['run', '--rm', 'busybox', 'true']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /failed to find init binary \/nonexistent\/tini/);
  } finally {
    await destroyDaemon(d);
    await rm(cfg, { force: true });
  }
});
