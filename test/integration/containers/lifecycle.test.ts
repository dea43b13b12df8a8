// The container lifecycle through both the real docker CLI and berth, against one real berthd.
// Every behaviour is checked with both CLIs; names carry the CLI's name so the runs never collide.
// Tests marked `todo` document a known daemon gap (see the report in the test name); they run but do not fail the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { berth, busyboxTar, docker, type CmdResult, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

type Cli = (d: Daemon, args: string[], input?: Buffer | string) => Promise<CmdResult>;
const CLIS: Array<[string, Cli]> = [
  ['docker', docker],
  ['berth', berth],
];
const SWAGGER = '/work/shared/reference/moby/moby/api/swagger.yaml';

let d: Daemon;
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs and asserts success; returns stdout. */
async function ok(cli: Cli, args: string[]): Promise<string> {
  const r = await cli(d, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface Inspect {
  Id: string;
  Name: string;
  Path: string;
  Args: string[];
  RestartCount: number;
  Image: string;
  State: { Status: string; Running: boolean; ExitCode: number; StartedAt: string; FinishedAt: string; Pid: number };
  Config: { Image: string; Env: string[]; WorkingDir: string; User: string; Hostname: string; Labels: Record<string, string>; Entrypoint: string[] | null; Cmd: string[] | null };
  HostConfig: Record<string, unknown> & { LogConfig: { Type: string } };
  [key: string]: unknown;
}

async function inspect(ref: string): Promise<Inspect> {
  const r = await docker(d, ['inspect', ref]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as Inspect[])[0]!;
}

/** Polls until `check` holds (or ~timeout passes) and returns the last value seen. */
async function until<T>(get: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await get();
  while (!check(v) && Date.now() < end) {
    await sleep(100);
    v = await get();
  }
  return v;
}

function api(method: string, path: string): Promise<{ status: number; body: { message?: string } }> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: d.socket, path, method }, (r) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => res({ status: r.statusCode ?? 0, body: text ? (JSON.parse(text) as { message?: string }) : {} }));
    });
    req.on('error', rej);
    req.end();
  });
}

async function removeAll(cli: Cli): Promise<void> {
  const ids = (await cli(d, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
  if (ids.length) await ok(cli, ['rm', '-f', ...ids]);
}

for (const [name, cli] of CLIS) {
  test(`${name} run: output, exit codes, stdout and stderr kept apart, missing command`, async () => {
    const hi = await cli(d, ['run', '--rm', 'busybox', 'echo', 'hi']);
    assert.deepEqual([hi.code, hi.stdout], [0, 'hi\n'], hi.stderr);
    const seven = await cli(d, ['run', '--name', `${name}-seven`, 'busybox', 'sh', '-c', 'exit 7']);
    assert.equal(seven.code, 7, seven.stderr);
    assert.equal((await inspect(`${name}-seven`)).State.ExitCode, 7);
    const split = await cli(d, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(split.code, 0);
    assert.equal(split.stdout, 'out\n');
    assert.equal(split.stderr, 'err\n');
    const missing = await cli(d, ['run', '--rm', 'busybox', 'nosuchcmd']);
    assert.equal(missing.code, 127);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /Error response from daemon: .*exec: "nosuchcmd": executable file not found in \$PATH/);
    await removeAll(cli);
    assert.equal(await ok(cli, ['ps', '-aq']), '', '--rm removed the containers it ran');
  });

  test(`${name} run: -e --env-file -w -u --hostname --entrypoint -l --name reach the process and inspect`, async () => {
    const envFile = join(d.root, `${name}.env`);
    await writeFile(envFile, '# comment\nFROM_FILE=yes\n\nSPACED=a b\n');
    const cname = `${name}-opts`;
    const out = await ok(cli, [
      'run', '--name', cname, '-e', 'A=1', '--env', 'B=two', '--env-file', envFile, '-w', '/tmp', '-u', 'nobody', '--hostname', 'box',
      '-l', 'team=core', '--label', 'tier', '--entrypoint', 'sh', 'busybox', '-c', 'echo "$A|$B|$FROM_FILE|$SPACED|$(pwd)|$(id -un)|$(hostname)"',
    ]);
    assert.equal(out, '1|two|yes|a b|/tmp|nobody|box\n');
    const c = await inspect(cname);
    assert.equal(c.Name, `/${cname}`);
    assert.equal(c.Path, 'sh');
    assert.deepEqual(c.Args, ['-c', 'echo "$A|$B|$FROM_FILE|$SPACED|$(pwd)|$(id -un)|$(hostname)"']);
    assert.deepEqual(c.Config.Entrypoint, ['sh']);
    for (const e of ['A=1', 'B=two', 'FROM_FILE=yes', 'SPACED=a b']) assert.ok(c.Config.Env.includes(e), `${e} in ${c.Config.Env}`);
    assert.ok(c.Config.Env.some((e) => e.startsWith('PATH=')), 'the image PATH is kept');
    assert.equal(c.Config.WorkingDir, '/tmp');
    assert.equal(c.Config.User, 'nobody');
    assert.equal(c.Config.Hostname, 'box');
    assert.deepEqual(c.Config.Labels, { team: 'core', tier: '' });
    assert.equal(c.State.Status, 'exited');
    assert.equal(c.State.ExitCode, 0);
    assert.equal(await ok(cli, ['inspect', '--format', '{{.Name}} {{.Config.User}} {{index .Config.Labels "team"}}', cname]), `/${cname} nobody core\n`);
    await ok(cli, ['rm', cname]);
  });

  test(`${name} ps: table, -a -q -l -n --no-trunc, filters and --format`, async () => {
    const up = `${name}-up`;
    const ex = `${name}-ex`;
    const upId = (await ok(cli, ['run', '-d', '--name', up, '-l', 'role=ticker', 'busybox', 'sh', '-c', 'while true; do sleep 0.2; done'])).trim();
    assert.match(upId, /^[a-f0-9]{64}$/);
    assert.equal((await cli(d, ['run', '--name', ex, '-l', 'role=done', 'busybox', 'sh', '-c', 'exit 2'])).code, 2);
    const exId = (await inspect(ex)).Id;

    const table = (await ok(cli, ['ps'])).split('\n');
    assert.match(table[0]!, /^CONTAINER ID {3}IMAGE {5}COMMAND +CREATED +STATUS +PORTS +NAMES$/);
    assert.equal(table.length, 3, 'a header, one running container, the final newline');
    assert.match(table[1]!, new RegExp(`^${upId.slice(0, 12)} {3}busybox {3}"sh -c .*" +(Less than a second|\\d+ seconds?) ago +Up .+ {3}${up}$`));

    const all = await ok(cli, ['ps', '-a']);
    assert.match(all, new RegExp(`^${exId.slice(0, 12)} .* Exited \\(2\\) .* ago +${ex}$`, 'm'));
    assert.equal(await ok(cli, ['ps', '-q']), `${upId.slice(0, 12)}\n`);
    assert.equal(await ok(cli, ['ps', '-aq']), `${exId.slice(0, 12)}\n${upId.slice(0, 12)}\n`, 'newest first');
    assert.equal(await ok(cli, ['ps', '-l', '--format', '{{.Names}}']), `${ex}\n`);
    assert.match((await ok(cli, ['ps', '-l'])).split('\n')[1]!, new RegExp(`${ex}$`));
    assert.equal(await ok(cli, ['ps', '-n', '1', '-q']), `${exId.slice(0, 12)}\n`);
    assert.equal(await ok(cli, ['ps', '-n', '2', '-q']), `${exId.slice(0, 12)}\n${upId.slice(0, 12)}\n`);
    assert.equal(await ok(cli, ['ps', '-q', '--no-trunc']), `${upId}\n`);
    assert.match(await ok(cli, ['ps', '--no-trunc']), new RegExp(`^${upId} +busybox +"sh -c 'while true; do sleep 0\\.2; done'" `, 'm'));

    assert.equal(await ok(cli, ['ps', '-a', '-f', 'status=exited', '--format', '{{.Names}}']), `${ex}\n`);
    assert.equal(await ok(cli, ['ps', '-a', '-f', 'status=running', '--format', '{{.Names}}']), `${up}\n`);
    assert.equal(await ok(cli, ['ps', '-a', '-f', `name=${name}-e`, '--format', '{{.Names}}']), `${ex}\n`);
    assert.equal(await ok(cli, ['ps', '-a', '-f', 'label=role=ticker', '-q']), `${upId.slice(0, 12)}\n`);
    assert.equal(await ok(cli, ['ps', '-a', '-f', 'label=role', '--format', '{{.Names}}']), `${ex}\n${up}\n`);
    assert.equal(await ok(cli, ['ps', '-a', '-f', 'ancestor=busybox', '--format', '{{.Names}}']), `${ex}\n${up}\n`);
    assert.equal(await ok(cli, ['ps', '-a', '-f', 'ancestor=nosuch', '-q']), '');
    assert.equal(await ok(cli, ['ps', '-a', '-f', 'status=exited', '-f', 'label=role=ticker', '-q']), '', 'different filters are ANDed');

    assert.match(await ok(cli, ['ps', '--format', '{{.Names}} {{.Status}}']), new RegExp(`^${up} Up (Less than a second|\\d+ seconds?)\n$`));
    assert.match(await ok(cli, ['ps', '-a', '--format', '{{.Names}} {{.Status}}', '-f', `name=${ex}`]), new RegExp(`^${ex} Exited \\(2\\) .+ ago\n$`));
    const w = Math.max(up.length + 3, 10); // tabwriter: widest cell plus 3 padding, at least 10
    assert.equal(await ok(cli, ['ps', '--format', 'table {{.Names}}\t{{.Image}}']), `NAMES${' '.repeat(w - 5)}IMAGE\n${up}${' '.repeat(w - up.length)}busybox\n`);
    assert.equal(await ok(cli, ['ps', '--format', '{{.Labels}}']), 'role=ticker\n');
    await removeAll(cli);
  });
}

test('ps: berth lays out ID, IMAGE, COMMAND and NAMES exactly as docker does, truncated or not', async () => {
  await ok(docker, ['run', '-d', '--name', 'quoted', 'busybox', 'sh', '-c', 'trap "exit 143" TERM; while true; do sleep 0.2; done']);
  await ok(docker, ['run', '--name', 'plain', 'busybox', 'true']);
  for (const extra of [[], ['--no-trunc']]) {
    const args = ['ps', '-a', ...extra, '--format', 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.Names}}'];
    assert.equal(await ok(berth, args), await ok(docker, args), `ps ${extra.join(' ')}`);
  }
  await removeAll(docker);
});

test(
  'ps COMMAND quotes arguments that contain spaces as dockerd does ("sh -c \'exit 2\'")',
  async () => {
    await ok(docker, ['run', '--name', 'cmdq', 'busybox', 'sh', '-c', 'exit 0']);
    try {
      assert.equal(await ok(docker, ['ps', '-a', '--no-trunc', '--format', '{{.Command}}', '-f', 'name=cmdq']), `"sh -c 'exit 0'"\n`);
    } finally {
      await ok(docker, ['rm', 'cmdq']);
    }
  },
);

for (const [name, cli] of CLIS) {
  test(`${name} logs: all, --tail, -t, -f of a container that exits`, async () => {
    const c = `${name}-talk`;
    await ok(cli, ['run', '-d', '--name', c, 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line $i; echo err $i >&2; sleep 0.3; done']);
    const follow = await cli(d, ['logs', '-f', c]);
    assert.equal(follow.code, 0, 'logs -f ends when the container exits');
    assert.equal(follow.stdout, 'line 1\nline 2\nline 3\n');
    assert.equal(follow.stderr, 'err 1\nerr 2\nerr 3\n');
    const all = await cli(d, ['logs', c]);
    assert.deepEqual([all.stdout, all.stderr], ['line 1\nline 2\nline 3\n', 'err 1\nerr 2\nerr 3\n']);
    // --tail counts lines across both streams, as dockerd's json-file reader does.
    const tail2 = await cli(d, ['logs', '--tail', '2', c]);
    assert.deepEqual([tail2.stdout, tail2.stderr], ['line 3\n', 'err 3\n']);
    const tail1 = await cli(d, ['logs', '-n', '1', c]);
    assert.deepEqual([tail1.stdout, tail1.stderr], ['', 'err 3\n']);
    const ts = await cli(d, ['logs', '-t', '--tail', '2', c]);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\S* line 3\n$/);
    const again = await cli(d, ['logs', '-f', '--tail', '1', c]);
    assert.equal(again.code, 0, 'logs -f of an exited container ends at once');
    assert.equal(again.stderr, 'err 3\n');
    const missing = await cli(d, ['logs', 'nosuch']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such container: nosuch/);
    await ok(cli, ['rm', c]);
  });
}

test(
  'logs -t prints RFC3339Nano UTC timestamps ending in Z, as dockerd does',
  async () => {
    await ok(docker, ['run', '--name', 'tsz', 'busybox', 'echo', 'x']);
    try {
      assert.match(await ok(docker, ['logs', '-t', 'tsz']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z x\n$/);
    } finally {
      await ok(docker, ['rm', 'tsz']);
    }
  },
);

for (const [name, cli] of CLIS) {
  test(`${name} stop, kill -s, restart, rename, wait, rm refused while running, rm -f, container prune`, async () => {
    const sl = `${name}-sleeper`;
    const tr = `${name}-trapper`;
    await ok(cli, ['run', '-d', '--name', sl, 'busybox', 'sleep', '1000']);
    await ok(cli, ['run', '-d', '--name', tr, 'busybox', 'sh', '-c', 'trap "echo got usr1" USR1; trap "exit 143" TERM; echo ready; while true; do sleep 0.1; done']);
    await until(() => cli(d, ['logs', tr]), (r) => r.stdout.includes('ready'));

    // sleep as PID 1 has no handler for SIGTERM, so the kernel ignores it: SIGKILL after the timeout.
    const t0 = Date.now();
    assert.equal(await ok(cli, ['stop', '-t', '1', sl]), `${sl}\n`);
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 5000, `stop -t 1 took ${took} ms`);
    assert.equal((await inspect(sl)).State.ExitCode, 137);
    assert.equal(await ok(cli, ['wait', sl]), '137\n');
    assert.equal(await ok(cli, ['stop', sl]), `${sl}\n`, 'stopping a stopped container is success');

    assert.equal(await ok(cli, ['kill', '-s', 'USR1', tr]), `${tr}\n`);
    const got = await until(() => cli(d, ['logs', tr]), (r) => r.stdout.includes('got usr1'));
    assert.match(got.stdout, /got usr1/);
    assert.equal((await inspect(tr)).State.Running, true, 'a trapped USR1 does not end it');

    const before = (await inspect(tr)).State;
    assert.equal(await ok(cli, ['restart', '-t', '5', tr]), `${tr}\n`);
    const after = await inspect(tr);
    assert.equal(after.State.Running, true);
    assert.notEqual(after.State.Pid, before.Pid);
    assert.notEqual(after.State.StartedAt, before.StartedAt);
    assert.equal(after.RestartCount, 0, 'a manual restart is not counted');
    assert.match(await ok(cli, ['ps', '--format', '{{.Status}}', '-f', `name=${tr}`]), /^Up /);

    const refused = await cli(d, ['rm', tr]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `Error response from daemon: cannot remove container "/${tr}": container is running: stop the container before removing or force remove\n`);
    assert.equal((await api('DELETE', `/v1.47/containers/${tr}`)).status, 409);

    const renamed = `${tr}-2`;
    assert.equal((await cli(d, ['rename', tr, renamed])).code, 0);
    assert.equal((await inspect(renamed)).Name, `/${renamed}`);
    assert.match((await cli(d, ['inspect', tr])).stderr, /No such (container|object): /);
    const taken = await cli(d, ['rename', renamed, sl]);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, new RegExp(`Conflict\\. The container name "/${sl}" is already in use by container "[a-f0-9]{64}"`));

    const t1 = Date.now();
    assert.equal(await ok(cli, ['stop', '-t', '10', renamed]), `${renamed}\n`);
    assert.ok(Date.now() - t1 < 5000, 'a trapping shell ends on SIGTERM, without waiting for the timeout');
    assert.equal(await ok(cli, ['wait', renamed]), '143\n');
    assert.equal((await inspect(renamed)).State.ExitCode, 143);

    await ok(cli, ['start', renamed]);
    assert.equal(await ok(cli, ['rm', '-f', renamed]), `${renamed}\n`);
    assert.match((await cli(d, ['inspect', renamed])).stderr, /No such (container|object): /);

    await ok(cli, ['run', '-d', '--name', `${name}-keep`, 'busybox', 'sleep', '1000']);
    const sleeperId = (await inspect(sl)).Id;
    const pruned = await ok(cli, ['container', 'prune', '-f']);
    assert.match(pruned, new RegExp(`^Deleted Containers:\n${sleeperId}\n\nTotal reclaimed space: \\S+B\n$`));
    assert.equal(await ok(cli, ['ps', '-a', '--format', '{{.Names}}']), `${name}-keep\n`, 'prune keeps running containers');
    assert.equal(await ok(cli, ['container', 'prune', '-f']), 'Total reclaimed space: 0B\n');
    await removeAll(cli);
  });
}

for (const [name, cli] of CLIS) {
  test(`${name} name conflicts get Docker's message`, async () => {
    const first = (await ok(cli, ['create', '--name', `${name}-x`, 'busybox'])).trim();
    for (const args of [['create', '--name', `${name}-x`, 'busybox'], ['run', '--name', `${name}-x`, 'busybox', 'true']]) {
      const r = await cli(d, args);
      assert.notEqual(r.code, 0);
      assert.match(
        r.stderr,
        new RegExp(`Error response from daemon: Conflict\\. The container name "/${name}-x" is already in use by container "${first}"\\. You have to remove \\(or rename\\) that container to be able to reuse that name\\.`),
      );
    }
    await ok(cli, ['rm', `${name}-x`]);
  });
}

test('run exits 125 when the daemon refuses to create the container, as docker run does', async () => {
  await ok(docker, ['create', '--name', 'taken', 'busybox']);
  try {
    assert.equal((await docker(d, ['run', '--name', 'taken', 'busybox'])).code, 125);
    assert.equal((await berth(d, ['run', '--name', 'taken', 'busybox'])).code, 125);
  } finally {
    await ok(docker, ['rm', 'taken']);
  }
});

for (const [name, cli] of CLIS) {
  test(`${name} restart policies: on-failure:2, always, and -d --rm`, async () => {
    const flaky = `${name}-flaky`;
    await ok(cli, ['run', '-d', '--name', flaky, '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 3']);
    const done = await until(() => inspect(flaky), (c) => c.RestartCount === 2 && c.State.Status === 'exited', 15_000);
    assert.deepEqual([done.RestartCount, done.State.Status, done.State.ExitCode], [2, 'exited', 3]);
    await sleep(1000);
    assert.equal((await inspect(flaky)).RestartCount, 2, 'no third retry');
    assert.deepEqual((await inspect(flaky)).HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });

    const always = `${name}-always`;
    await ok(cli, ['run', '-d', '--name', always, '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 0.3; exit 0']);
    const again = await until(() => inspect(always), (c) => c.RestartCount >= 1 && c.State.Running, 15_000);
    assert.ok(again.RestartCount >= 1 && again.State.Running, `restarted after a clean exit: ${JSON.stringify(again.State)} ${again.RestartCount}`);
    await ok(cli, ['stop', always]);
    await sleep(800);
    assert.equal((await inspect(always)).State.Running, false, 'a stopped always container stays stopped');

    const gone = `${name}-gone`;
    await ok(cli, ['run', '-d', '--rm', '--name', gone, 'busybox', 'sleep', '0.3']);
    const r = await until(() => cli(d, ['inspect', gone]), (x) => x.code !== 0);
    assert.notEqual(r.code, 0, '-d --rm removes the container after it exits');
    assert.match(r.stderr, /No such (container|object)/);

    const both = await cli(d, ['run', '--rm', '--restart', 'always', 'busybox', 'true']);
    assert.notEqual(both.code, 0);
    assert.match(both.stderr, /--restart and --rm|'AutoRemove' container with restart policy/);
    await removeAll(cli);
  });
}

// The host's network namespace (its link list changes while other tests' daemons add veths).
const HOST_NETNS = readlinkSync('/proc/self/ns/net');

const LIMITS: Array<{ flags: string[]; cmd: string; out: RegExp; hc?: Record<string, unknown> }> = [
  // cgroup v1 without a cgroup namespace: runc mounts the container's own memory cgroup at /sys/fs/cgroup/memory.
  { flags: ['--memory', '64m'], cmd: 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes', out: /^67108864$/, hc: { Memory: 67108864 } },
  { flags: ['--pids-limit', '50'], cmd: 'cat /sys/fs/cgroup/pids/pids.max', out: /^50$/, hc: { PidsLimit: 50 } },
  { flags: ['--cpus', '0.5'], cmd: 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us', out: /^50000\n100000$/, hc: { NanoCpus: 500000000 } },
  { flags: ['--ulimit', 'nofile=1000:2000'], cmd: 'ulimit -n; ulimit -Hn', out: /^1000\n2000$/, hc: { Ulimits: [{ Name: 'nofile', Soft: 1000, Hard: 2000 }] } },
  { flags: ['--read-only'], cmd: 'touch /x 2>&1; echo $?', out: /Read-only file system\n1$/, hc: { ReadonlyRootfs: true } },
  { flags: ['--cap-drop', 'ALL'], cmd: 'grep CapEff /proc/self/status; chown nobody /tmp 2>&1; echo $?', out: /^CapEff:\s+0{16}\n.*Operation not permitted\n1$/, hc: { CapDrop: ['ALL'] } },
  { flags: [], cmd: 'grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status', out: /^CapEff:\s+00000000a80425fb\nNoNewPrivs:\s+0$/ },
  { flags: ['--security-opt', 'no-new-privileges'], cmd: 'grep NoNewPrivs /proc/self/status', out: /^NoNewPrivs:\s+1$/, hc: { SecurityOpt: ['no-new-privileges'] } },
  { flags: ['--tmpfs', '/run:size=64m'], cmd: 'df -k /run | tail -1; touch /run/x && echo writable', out: /^tmpfs\s+65536\s.*\/run\nwritable$/, hc: { Tmpfs: { '/run': 'size=64m' } } },
  { flags: ['--network', 'none'], cmd: 'ls /sys/class/net', out: /^lo$/, hc: { NetworkMode: 'none' } },
  { flags: ['--network', 'host'], cmd: 'readlink /proc/self/ns/net', out: new RegExp(`^${HOST_NETNS.replace(/[[\]]/g, '\\$&')}$`), hc: { NetworkMode: 'host' } },
];

for (const [name, cli] of CLIS) {
  test(`${name} run: resource limits and security options are enforced by the kernel and shown by inspect`, async () => {
    for (const [i, { flags, cmd, out, hc }] of LIMITS.entries()) {
      const c = `${name}-lim${i}`;
      const r = await cli(d, ['run', '--name', c, ...flags, 'busybox', 'sh', '-c', cmd]);
      assert.match(r.stdout.trim(), out, `${flags.join(' ')}: ${r.stdout} ${r.stderr}`);
      const got = (await inspect(c)).HostConfig;
      for (const [k, v] of Object.entries(hc ?? {})) assert.deepEqual(got[k], v, `${flags.join(' ')}: HostConfig.${k}`);
      await ok(cli, ['rm', c]);
    }
  });
}

for (const [name, cli] of CLIS) {
  test(`${name} --privileged: every capability berthd has, the host's devices, no seccomp, rw /sys, mount and ip link work`, async () => {
    // This host's bounding set lacks CAP_SYS_RESOURCE: privileged must mean "all berthd has", or runc refuses.
    const hostBnd = /CapBnd:\s+(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1];
    const script = [
      'grep CapEff /proc/self/status', 'grep "^Seccomp:" /proc/self/status', 'ls /dev | wc -l',
      'grep " /sys sysfs" /proc/mounts | cut -d" " -f4 | cut -d, -f1',
      'mkdir -p /m && mount -t tmpfs none /m && echo mounted',
      'ip link add b0 type bridge && ip link show b0 >/dev/null && echo linked',
    ].join('; ');
    const r = await cli(d, ['run', '--rm', '--privileged', 'busybox', 'sh', '-c', script]);
    assert.equal(r.code, 0, r.stderr);
    const [caps, seccomp, devs, sys, mounted, linked] = r.stdout.trim().split('\n');
    assert.match(caps!, new RegExp(`CapEff:\\s+${hostBnd}$`));
    assert.match(seccomp!, /Seccomp:\s+0$/);
    assert.ok(Number(devs) > 20, `host devices visible: ${devs}`);
    assert.deepEqual([sys, mounted, linked], ['rw', 'mounted', 'linked']);
    const all = await cli(d, ['run', '--rm', '--cap-add', 'ALL', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
    assert.match(all.stdout, new RegExp(`CapEff:\\s+${hostBnd}\n$`), all.stderr);
    const plain = await cli(d, ['run', '--rm', 'busybox', 'sh', '-c', 'mkdir -p /m; mount -t tmpfs none /m 2>&1; grep "^Seccomp:" /proc/self/status']);
    assert.match(plain.stdout, /permission denied/i);
    assert.match(plain.stdout, /Seccomp:\s+2\n$/);
  });
}

for (const [name, cli] of CLIS) {
  test(`${name} rmi is refused (409) while an exited container uses the image, works after rm`, async () => {
    const ref = `${name}-pinned:1`;
    assert.equal((await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), ref])).code, 0);
    const imageId = (await ok(cli, ['images', '-q', '--no-trunc', ref])).trim();
    const cid = (await ok(cli, ['run', '-d', ref, 'true'])).trim();
    await ok(cli, ['wait', cid]);
    const refused = await cli(d, ['rmi', ref]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `Error response from daemon: conflict: unable to remove repository reference "${ref}" (must force) - container ${cid.slice(0, 12)} is using its referenced image ${imageId.slice(7, 19)}\n`,
    );
    const byApi = await api('DELETE', `/v1.47/images/${ref}`);
    assert.equal(byApi.status, 409);
    const byId = await cli(d, ['rmi', imageId.slice(7, 19)]);
    assert.match(byId.stderr, new RegExp(`conflict: unable to delete ${imageId.slice(7, 19)} \\(must be forced\\) - image is being used by stopped container ${cid.slice(0, 12)}`));
    await ok(cli, ['rm', cid]);
    assert.equal(await ok(cli, ['rmi', ref]), `Untagged: ${ref}\nDeleted: ${imageId}\n`);
  });
}

/** Property names of a swagger definition (its own and those of an allOf $ref), read from the YAML by indentation. */
function swaggerProps(def: string, lines = readFileSync(SWAGGER, 'utf8').split('\n')): string[] {
  const start = lines.indexOf(`  ${def}:`);
  assert.ok(start >= 0, `${def} in swagger.yaml`);
  const out: string[] = [];
  let depth: number | undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^ {2}\S/.test(line)) break;
    const ref = /^ {6}- \$ref: "#\/definitions\/(\w+)"/.exec(line);
    if (ref) out.push(...swaggerProps(ref[1]!, lines));
    const props = /^( {4}| {8})properties:$/.exec(line);
    if (props) depth = props[1]!.length + 2;
    const key = /^( +)([A-Za-z0-9]+):/.exec(line);
    if (key && depth !== undefined && key[1]!.length === depth) out.push(key[2]!);
  }
  return out;
}

// Fields Docker's Go types mark omitempty: absent from dockerd's output too unless set.
const OMITTED: Record<string, string[]> = {
  ContainerInspectResponse: ['ImageManifestDescriptor', 'Storage', 'SizeRw', 'SizeRootFs'],
  ContainerState: ['Health'],
  ContainerConfig: ['Healthcheck', 'ArgsEscaped', 'NetworkDisabled', 'StopSignal', 'StopTimeout', 'Shell', 'ExposedPorts'],
  HostConfig: ['Mounts', 'Annotations', 'StorageOpt', 'Tmpfs', 'Sysctls', 'Runtime', 'Init'],
};

test('container inspect has every field of the ContainerInspectResponse schema', async () => {
  await ok(docker, ['run', '-d', '--name', 'schema', 'busybox', 'sleep', '1000']);
  const c = await inspect('schema');
  const parts: Array<[string, Record<string, unknown>]> = [
    ['ContainerInspectResponse', c],
    ['ContainerState', c.State as unknown as Record<string, unknown>],
    ['ContainerConfig', c.Config as unknown as Record<string, unknown>],
    ['HostConfig', c.HostConfig],
    ['NetworkSettings', c.NetworkSettings as Record<string, unknown>],
    ['DriverData', c.GraphDriver as Record<string, unknown>],
  ];
  const missing: string[] = [];
  for (const [def, obj] of parts) {
    assert.ok(obj && typeof obj === 'object', `${def} is an object`);
    for (const key of swaggerProps(def)) if (!(key in obj) && !(OMITTED[def] ?? []).includes(key)) missing.push(`${def}.${key}`);
  }
  assert.deepEqual(missing, []);
  for (const key of ['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt']) {
    assert.ok(key in c.State, `State.${key}`);
  }
  assert.match(c.Id, /^[a-f0-9]{64}$/);
  assert.ok(!Number.isNaN(Date.parse(c.Created as string)));
  assert.equal(c.Path, 'sleep');
  assert.deepEqual(c.Args, ['1000']);
  assert.equal(c.State.Status, 'running');
  assert.ok(c.State.Pid > 0);
  assert.equal(c.State.FinishedAt, '0001-01-01T00:00:00Z');
  assert.match(c.Image, /^sha256:[a-f0-9]{64}$/);
  assert.equal(c.Name, '/schema');
  assert.equal(c.RestartCount, 0);
  assert.deepEqual(c.Mounts, []);
  assert.equal(c.Driver, (c.GraphDriver as { Name: string }).Name);
  assert.equal(c.Platform, 'linux');
  assert.equal(c.Config.Image, 'busybox');
  assert.equal(c.Config.Hostname, c.Id.slice(0, 12));
  await ok(docker, ['rm', '-f', 'schema']);
});

test(
  'inspect fills HostConfig.LogConfig.Type with the daemon default when the client sends none',
  async () => {
    await ok(docker, ['create', '--name', 'logtype', 'busybox']);
    try {
      assert.equal((await inspect('logtype')).HostConfig.LogConfig.Type, 'json-file');
    } finally {
      await ok(docker, ['rm', 'logtype']);
    }
  },
);
