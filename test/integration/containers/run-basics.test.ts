import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, busyboxTar, docker, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

let d: Daemon;
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

for (const [cli, run] of [['docker', docker], ['berth', berth]] as const) {
  test(`${cli} run: output, exit codes, stdout and stderr kept apart, --rm`, async () => {
    const hi = await run(d, ['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.equal(hi.code, 0, hi.stderr);
    assert.equal(hi.stdout, 'hi\n');
    const split = await run(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.equal(split.code, 7);
    assert.equal(split.stdout, 'out\n');
    assert.match(split.stderr, /err\n/);
    const missing = await run(d, ['run', '--rm', 'busybox', 'nosuchcmd']);
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /executable file not found/);
    const left = await run(d, ['ps', '-aq']);
    assert.equal(left.stdout, '', '--rm removed every container');
  });
}

test('create options reach the process and inspect: env, env-file, workdir, user, hostname, entrypoint, labels, name', async () => {
  const envFile = join(d.root, 'env.list');
  await writeFile(envFile, '# comment\nFROM_FILE=yes\n');
  const r = await docker(d, [
    'run', '--name', 'opts', '-e', 'A=1', '--env-file', envFile, '-w', '/tmp', '-u', 'nobody', '--hostname', 'box',
    '-l', 'team=core', '--entrypoint', 'sh', 'busybox', '-c', 'echo $A $FROM_FILE $(pwd) $(id -un) $(hostname)',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '1 yes /tmp nobody box\n');
  const i = await docker(d, ['inspect', 'opts']);
  const [c] = JSON.parse(i.stdout) as Array<{ Name: string; Path: string; Args: string[]; Config: { Env: string[]; WorkingDir: string; User: string; Hostname: string; Labels: Record<string, string> }; State: { Status: string; ExitCode: number }; HostConfig: { NetworkMode: string } }>;
  assert.equal(c!.Name, '/opts');
  assert.equal(c!.Path, 'sh');
  assert.ok(c!.Config.Env.includes('A=1') && c!.Config.Env.includes('FROM_FILE=yes'));
  assert.ok(c!.Config.Env.some((e) => e.startsWith('PATH=')));
  assert.equal(c!.Config.WorkingDir, '/tmp');
  assert.equal(c!.Config.User, 'nobody');
  assert.equal(c!.Config.Hostname, 'box');
  assert.equal(c!.Config.Labels.team, 'core');
  assert.equal(c!.State.Status, 'exited');
  assert.equal(c!.HostConfig.NetworkMode, 'bridge', 'the default network is the bridge');
  const dup = await docker(d, ['create', '--name', 'opts', 'busybox']);
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /Conflict\. The container name "\/opts" is already in use by container "[a-f0-9]{64}"/);
  assert.equal((await berth(d, ['rm', 'opts'])).code, 0);
});

test('detached containers: ps, logs, stop, restart, kill, rm refused while running, rm -f', async () => {
  const id = (await docker(d, ['run', '-d', '--name', 'ticker', '-l', 'role=tick', 'busybox', 'sh', '-c', 'trap "exit 143" TERM; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done'])).stdout.trim();
  assert.match(id, /^[a-f0-9]{64}$/);
  const ps = await berth(d, ['ps']);
  assert.match(ps.stdout.split('\n')[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
  assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)}\\s+busybox\\s+"sh -c .*"\\s+.*\\s+Up .*ticker$`, 'm'));
  assert.equal((await docker(d, ['ps', '-q', '-f', 'label=role=tick'])).stdout.trim(), id.slice(0, 12));
  assert.equal((await docker(d, ['ps', '--format', '{{.Names}}', '-f', 'name=tick'])).stdout.trim(), 'ticker');
  await new Promise((r) => setTimeout(r, 700));
  const tail = await docker(d, ['logs', '--tail', '1', 'ticker']);
  assert.match(tail.stdout, /^tick \d+\n$/);
  const ts = await berth(d, ['logs', '-t', '--tail', '1', 'ticker']);
  assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\S+ tick \d+\n$/);
  const rm = await docker(d, ['rm', 'ticker']);
  assert.notEqual(rm.code, 0);
  assert.match(rm.stderr, /cannot remove container "\/ticker": container is running: stop the container before removing or force remove/);
  assert.equal((await docker(d, ['stop', '-t', '5', 'ticker'])).code, 0);
  assert.equal((await docker(d, ['inspect', '--format', '{{.State.ExitCode}}', 'ticker'])).stdout.trim(), '143');
  assert.equal((await docker(d, ['wait', 'ticker'])).stdout.trim(), '143');
  const follow = await docker(d, ['logs', '-f', 'ticker']);
  assert.equal(follow.code, 0, 'logs -f of a stopped container ends by itself');
  assert.equal((await berth(d, ['restart', 'ticker'])).code, 0);
  assert.match((await docker(d, ['ps', '--format', '{{.Status}}', '-f', 'name=ticker'])).stdout, /^Up /);
  const killed = await docker(d, ['kill', 'ticker']);
  assert.equal(killed.code, 0, killed.stderr);
  assert.equal((await docker(d, ['wait', 'ticker'])).stdout.trim(), '137');
  const again = await docker(d, ['kill', 'ticker']);
  assert.match(again.stderr, /is not running/);
  assert.equal((await docker(d, ['rename', 'ticker', 'tocker'])).code, 0);
  assert.equal((await docker(d, ['start', 'tocker'])).code, 0);
  assert.equal((await docker(d, ['rm', '-f', 'tocker'])).code, 0);
  assert.equal((await docker(d, ['ps', '-aq'])).stdout, '');
});

test('logs -f follows a running container until it exits', async () => {
  const id = (await berth(d, ['run', '-d', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.3; done'])).stdout.trim();
  const f = await docker(d, ['logs', '-f', id]);
  assert.equal(f.stdout, 'line 1\nline 2\nline 3\n');
  await berth(d, ['rm', id]);
});

test('restart policies: on-failure:2 retries twice, then stays exited', async () => {
  await docker(d, ['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
  let state = '';
  for (let i = 0; i < 60; i++) {
    state = (await docker(d, ['inspect', '--format', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', 'flaky'])).stdout.trim();
    if (state === '2 exited 3') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(state, '2 exited 3');
  assert.equal((await docker(d, ['rm', 'flaky'])).code, 0);
  const bad = await docker(d, ['run', '--rm', '--restart', 'always', 'busybox', 'true']);
  assert.notEqual(bad.code, 0);
});

test('resource limits and security options are enforced by the kernel', async () => {
  const cases: Array<[string[], string, RegExp]> = [
    [['--memory', '64m'], 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes', /^67108864$/],
    [['--pids-limit', '50'], 'cat /sys/fs/cgroup/pids/pids.max', /^50$/],
    [['--cpus', '0.5'], 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us', /^50000$/],
    [['--ulimit', 'nofile=1000:2000'], 'ulimit -n', /^1000$/],
    [['--read-only'], 'touch /x 2>&1; echo $?', /Read-only file system\n1$/],
    [['--cap-drop', 'ALL'], 'chown nobody /tmp 2>&1; echo $?', /Operation not permitted\n1$/],
    [['--security-opt', 'no-new-privileges'], 'grep NoNewPrivs /proc/self/status', /NoNewPrivs:\s+1/],
    [['--tmpfs', '/run:size=64m'], 'df -k /run | tail -1', /tmpfs\s+65536/],
    [['--network', 'none'], 'ls /sys/class/net', /^lo$/],
  ];
  for (const [flags, cmd, expected] of cases) {
    const r = await docker(d, ['run', '--rm', ...flags, 'busybox', 'sh', '-c', cmd]);
    assert.match(r.stdout.trim(), expected, `${flags.join(' ')}: ${r.stdout} ${r.stderr}`);
  }
});

test('an image used by an exited container cannot be removed until the container is', async () => {
  // Its own image (an import has its own creation time, so its own ID): this tag is its only one.
  assert.equal((await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'pinned:1'])).code, 0);
  const id = (await docker(d, ['create', 'pinned:1', 'true'])).stdout.trim();
  const refused = await docker(d, ['rmi', 'pinned:1']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /conflict: unable to remove repository reference "pinned:1" \(must force\) - container [a-f0-9]{12} is using its referenced image/);
  const byId = await docker(d, ['rmi', (await docker(d, ['images', '-q', 'pinned:1'])).stdout.trim()]);
  assert.match(byId.stderr, /conflict: unable to delete [a-f0-9]{12} \(must be forced\) - image is being used by stopped container/);
  await docker(d, ['rm', id]);
  assert.match((await docker(d, ['rmi', 'pinned:1'])).stdout, /^Untagged: pinned:1\nDeleted: sha256:[a-f0-9]{64}\n$/);
});
