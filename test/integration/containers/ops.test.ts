// Container operations (pause/unpause, top, stats, update, events, port) through the real
// docker CLI and berth against one real berthd, checked against the real cgroup v1 files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BERTH, berth, docker, DOCKER, type CmdResult, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

type Cli = (d: Daemon, args: string[], input?: Buffer | string) => Promise<CmdResult>;
const CLIS: Array<[string, Cli]> = [
  ['docker', docker],
  ['berth', berth],
];

let d: Daemon;
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(cli: Cli, args: string[]): Promise<string> {
  const r = await cli(d, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function idOf(ref: string): Promise<string> {
  return (await ok(docker, ['inspect', '-f', '{{.Id}}', ref])).trim();
}

async function logLines(ref: string): Promise<number> {
  return (await ok(docker, ['logs', ref])).split('\n').filter(Boolean).length;
}

for (const [name, cli] of CLIS) {
  test(`${name}: pause freezes a counting container, unpause resumes it; Docker's errors`, async () => {
    const ctr = `count-${name}`;
    await ok(cli, ['run', '-d', '--name', ctr, 'busybox', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done']);
    await sleep(500);
    assert.equal((await ok(cli, ['pause', ctr])).trim(), ctr);
    const st = (await ok(docker, ['inspect', '-f', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', ctr])).trim();
    assert.equal(st, 'paused true true');
    assert.match(await ok(docker, ['ps', '--filter', `name=${ctr}`, '--format', '{{.Status}}']), /\(Paused\)/);
    await sleep(300);
    const frozen = await logLines(ctr);
    await sleep(1000);
    assert.equal(await logLines(ctr), frozen, 'no output while paused');

    const id = await idOf(ctr);
    const again = await cli(d, ['pause', ctr]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`Container ${id} is already paused`));

    assert.equal((await ok(cli, ['unpause', ctr])).trim(), ctr);
    await sleep(1000);
    assert.ok((await logLines(ctr)) > frozen, 'output resumes after unpause');
    const notPaused = await cli(d, ['unpause', ctr]);
    assert.equal(notPaused.code, 1);
    assert.match(notPaused.stderr, new RegExp(`Container ${id} is not paused`));

    // stop and kill work on a paused container (it is thawed so the signal lands).
    await ok(cli, ['pause', ctr]);
    await ok(cli, ['stop', '-t', '1', ctr]);
    assert.equal((await ok(docker, ['inspect', '-f', '{{.State.Status}} {{.State.Paused}}', ctr])).trim(), 'exited false');
    const notRunning = await cli(d, ['pause', ctr]);
    assert.equal(notRunning.code, 1);
    assert.match(notRunning.stderr, new RegExp(`Container ${id} is not running`));
    await ok(cli, ['start', ctr]);
    await ok(cli, ['pause', ctr]);
    await ok(cli, ['kill', ctr]);
    await ok(docker, ['wait', ctr]);
    assert.equal((await ok(docker, ['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', ctr])).trim(), 'exited 137');
    await ok(cli, ['rm', ctr]);
  });

  test(`${name}: top lists the container's processes from host ps`, async () => {
    const ctr = `top-${name}`;
    await ok(cli, ['run', '-d', '--name', ctr, 'busybox', 'sleep', '1000']);
    const out = await ok(cli, ['top', ctr]);
    const [header, ...rows] = out.trim().split('\n');
    assert.match(header!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
    assert.equal(rows.length, 1, out);
    assert.match(rows[0]!, /sleep 1000$/);
    const custom = await ok(cli, ['top', ctr, '-o', 'pid,comm']);
    assert.match(custom, /^PID\s+COMMAND\n\d+\s+sleep\n$/);
    await ok(cli, ['rm', '-f', ctr]);
  });

  test(`${name}: stats --no-stream reads the container's cgroups`, async () => {
    const ctr = `stats-${name}`;
    await ok(cli, ['run', '-d', '--name', ctr, 'busybox', 'sh', '-c', 'sleep 1000 & sleep 1000; true']);
    const out = await ok(cli, ['stats', '--no-stream', ctr]);
    const lines = out.trim().split('\n');
    assert.match(lines[0]!, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    const id = await idOf(ctr);
    assert.ok(lines[1]!.startsWith(`${id.slice(0, 12)}   ${ctr}`), lines[1]);
    const fmt = (await ok(cli, ['stats', '--no-stream', '--format', '{{.MemUsage}}|{{.PIDs}}|{{.CPUPerc}}', ctr])).trim();
    const [mem, pids, cpu] = fmt.split('|');
    assert.match(mem!, /^[\d.]+(B|KiB|MiB|GiB) \/ [\d.]+(KiB|MiB|GiB)$/);
    assert.doesNotMatch(mem!, /^0B /, 'memory usage is not zero');
    assert.equal(pids, '3');
    assert.match(cpu!, /^\d+\.\d\d%$/);
    await ok(cli, ['rm', '-f', ctr]);
  });

  test(`${name}: update changes the limits of a running container and saves them`, async () => {
    const ctr = `upd-${name}`;
    await ok(cli, ['run', '-d', '--name', ctr, '-m', '64m', 'busybox', 'sleep', '1000']);
    const id = await idOf(ctr);
    const limit = () => readFile(join('/sys/fs/cgroup/memory/berth', id, 'memory.limit_in_bytes'), 'utf8').then((s) => Number(s.trim()));
    assert.equal(await limit(), 64 * 1024 * 1024);
    assert.equal((await ok(cli, ['update', '--memory', '100m', ctr])).trim(), ctr);
    assert.equal(await limit(), 100 * 1024 * 1024);
    // Above the swap limit (twice the old memory) needs --memory-swap too, as in Docker.
    const refused = await cli(d, ['update', '--memory', '200m', ctr]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Memory limit should be smaller than already set memoryswap limit/);
    await ok(cli, ['update', '--memory', '200m', '--memory-swap', '400m', '--pids-limit', '50', '--cpus', '0.5', '--restart', 'on-failure:2', ctr]);
    assert.equal(await limit(), 200 * 1024 * 1024);
    assert.equal((await readFile(join('/sys/fs/cgroup/pids/berth', id, 'pids.max'), 'utf8')).trim(), '50');
    assert.equal((await readFile(join('/sys/fs/cgroup/cpu/berth', id, 'cpu.cfs_quota_us'), 'utf8')).trim(), '50000');
    const hc = (await ok(docker, ['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}} {{.HostConfig.RestartPolicy.Name}}', ctr])).trim();
    assert.equal(hc, `${200 * 1024 * 1024} ${400 * 1024 * 1024} 50 500000000 on-failure`);
    assert.equal((await readFile(join('/sys/fs/cgroup/memory/berth', id, 'memory.memsw.limit_in_bytes'), 'utf8')).trim(), String(400 * 1024 * 1024));
    // The next start uses the saved limits.
    await ok(cli, ['restart', '-t', '0', ctr]);
    assert.equal(await limit(), 200 * 1024 * 1024);
    await ok(cli, ['rm', '-f', ctr]);
  });

  test(`${name}: events shows create/start/die/destroy of a run --rm`, async () => {
    const ctr = `ev-${name}`;
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await ok(cli, ['run', '--rm', '--name', ctr, 'busybox', 'true']);
    const out = await ok(cli, ['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${ctr}`]);
    const actions = out.trim().split('\n').map((l) => l.split(' ')[2]);
    assert.deepEqual(actions, ['create', 'start', 'die', 'destroy'], out);
    assert.match(out, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z container create [0-9a-f]{64} \\(image=busybox, name=${ctr}\\)$`, 'm'));
    assert.match(out, /container die [0-9a-f]{64} \(exitCode=0, image=busybox, name=/);
    const json = await ok(cli, ['events', '--since', since, '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${ctr}`, '--filter', 'event=die', '--format', '{{json .}}']);
    const e = JSON.parse(json.trim()) as { Type: string; Action: string; Actor: { Attributes: Record<string, string> }; scope: string };
    assert.equal(e.Type, 'container');
    assert.equal(e.Action, 'die');
    assert.equal(e.Actor.Attributes.exitCode, '0');
    assert.equal(e.scope, 'local');
  });

  test(`${name}: port prints nothing while no port is published`, async () => {
    const ctr = `port-${name}`;
    await ok(cli, ['create', '--name', ctr, 'busybox', 'true']);
    assert.equal(await ok(cli, ['port', ctr]), '');
    await ok(cli, ['rm', ctr]);
  });
}

for (const [name, file, pre] of [['docker', DOCKER, []], ['berth', process.execPath, [BERTH]]] as const) {
  test(`${name}: events streams live events with filters`, async () => {
    const args = [...pre, ...(name === 'berth' ? ['-H', d.host] : []), 'events', '--filter', 'type=container', '--filter', `container=live-${name}`];
    const child = spawn(file, args, { env: { ...process.env, DOCKER_HOST: d.host, DOCKER_CONFIG: join(d.root, 'docker-config') } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    await sleep(700);
    await ok(docker, ['run', '--rm', '--name', `live-${name}`, 'busybox', 'true']);
    await ok(docker, ['tag', 'busybox', `other-${name}:1`]);
    for (let i = 0; i < 50 && !out.includes(' destroy '); i++) await sleep(100);
    child.kill('SIGKILL');
    const actions = out.trim().split('\n').map((l) => l.split(' ')[2]);
    assert.deepEqual(actions, ['create', 'start', 'die', 'destroy'], out);
    await ok(docker, ['rmi', `other-${name}:1`]);
  });
}
