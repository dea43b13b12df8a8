// Live restore: containers outlive a berthd killed with SIGKILL (conmon keeps them and their logs),
// and a new berthd on the same roots takes them over, including exits that happened while it was down.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { berth, busyboxTar, destroyDaemon, docker, startDaemon, type Daemon } from '../../helpers/berthd.js';

let d: Daemon;
before(async () => {
  d = await startDaemon();
  const r = await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  if (!d) return;
  if (d.proc.exitCode === null && d.proc.signalCode === null) {
    const ids = (await docker(d, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await docker(d, ['rm', '-f', ...ids]);
  }
  await destroyDaemon(d);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILLs berthd (no shutdown code runs), waits until it is reaped, starts a new one on the same roots. */
async function crashAndRestart(downMs = 0): Promise<void> {
  await d.stop('SIGKILL');
  await sleep(downMs);
  d = await startDaemon([], { root: d.root });
}

function lines(text: string): number[] {
  return [...text.matchAll(/^n (\d+)$/gm)].map((m) => Number(m[1]));
}

test('a running container survives berthd being killed: ps, logs and stop work from the new daemon', async () => {
  const id = (await docker(d, ['run', '-d', '--name', 'loop', 'busybox', 'sh', '-c', 'trap "exit 143" TERM; i=0; while true; do i=$((i+1)); echo n $i; sleep 0.1; done'])).stdout.trim();
  assert.match(id, /^[a-f0-9]{64}$/);
  await sleep(500);
  const pid = Number((await docker(d, ['inspect', '--format', '{{.State.Pid}}', 'loop'])).stdout.trim());
  assert.ok(pid > 0);

  await crashAndRestart(500);

  for (const [name, cli] of [['docker', docker], ['berth', berth]] as const) {
    const ps = await cli(d, ['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}']);
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} loop Up (Less than a second|\\d+ seconds?)\n$`), `${name} ps`);
  }
  const state = JSON.parse((await docker(d, ['inspect', '--format', '{{json .State}}', 'loop'])).stdout) as { Status: string; Running: boolean; Pid: number };
  assert.deepEqual([state.Status, state.Running, state.Pid], ['running', true, pid], 'same process, still running');

  // Lines written while no daemon ran are in the log, and the log keeps growing.
  const first = lines((await docker(d, ['logs', 'loop'])).stdout);
  assert.ok(first.length >= 8, `log has the lines from before and during the outage: ${first.length}`);
  assert.deepEqual(first, first.map((_, i) => i + 1), 'no line lost or repeated');
  await sleep(400);
  const tail = await berth(d, ['logs', '--tail', '1', 'loop']);
  assert.equal(tail.code, 0, tail.stderr);
  assert.ok(lines(tail.stdout)[0]! > first.at(-1)!, 'new lines after the restart');

  const t0 = Date.now();
  const stop = await docker(d, ['stop', 'loop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.ok(Date.now() - t0 < 5000, 'SIGTERM reached the trap; no 10 s timeout');
  const after = (await docker(d, ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', 'loop'])).stdout.trim();
  assert.equal(after, 'exited 143');
  assert.equal((await berth(d, ['wait', 'loop'])).stdout, '143\n');
  assert.equal((await berth(d, ['start', 'loop'])).code, 0, 'a restored container can start again');
  assert.equal((await docker(d, ['rm', '-f', 'loop'])).code, 0);
});

test('a container that exits while berthd is down is seen as exited, with its exit code, by the next berthd', async () => {
  const run = await berth(d, ['run', '-d', '--name', 'late', 'busybox', 'sh', '-c', 'sleep 2; exit 3']);
  assert.equal(run.code, 0, run.stderr);
  await crashAndRestart(3000);
  const state = JSON.parse((await docker(d, ['inspect', '--format', '{{json .State}}', 'late'])).stdout) as { Status: string; Running: boolean; ExitCode: number; Pid: number; FinishedAt: string };
  assert.deepEqual([state.Status, state.Running, state.ExitCode, state.Pid], ['exited', false, 3, 0]);
  assert.match((await docker(d, ['ps', '-a', '--format', '{{.Status}}', '-f', 'name=late'])).stdout, /^Exited \(3\) /);
  assert.equal((await docker(d, ['wait', 'late'])).stdout, '3\n');
  assert.equal((await berth(d, ['rm', 'late'])).code, 0);
});

test(
  'FinishedAt of a container that exited while berthd was down is when it exited, not when berthd came back',
  async () => {
    await berth(d, ['run', '-d', '--name', 'when', 'busybox', 'sh', '-c', 'sleep 1; exit 4']);
    const started = Date.now();
    await d.stop('SIGKILL');
    await sleep(4000);
    const back = Date.now();
    d = await startDaemon([], { root: d.root });
    const finished = Date.parse((await docker(d, ['inspect', '--format', '{{.State.FinishedAt}}', 'when'])).stdout.trim());
    await berth(d, ['rm', '-f', 'when']);
    assert.ok(finished - started < 2500 && finished < back - 1000, `FinishedAt ${new Date(finished).toISOString()}, restart at ${new Date(back).toISOString()}`);
  },
);

test('a restored --restart always container keeps its policy: it is restarted after it exits', async () => {
  await docker(d, ['run', '-d', '--name', 'forever', '--restart', 'always', 'busybox', 'sh', '-c', 'sleep 1; exit 1']);
  await crashAndRestart();
  let seen = '';
  for (let i = 0; i < 60 && !/^[1-9]\d* running$/.test(seen); i++) {
    await sleep(100);
    seen = (await docker(d, ['inspect', '--format', '{{.RestartCount}} {{.State.Status}}', 'forever'])).stdout.trim();
  }
  assert.match(seen, /^[1-9]\d* running$/);
  assert.equal((await docker(d, ['rm', '-f', 'forever'])).code, 0);
});

test('healthchecks go on after a restore: the next berthd keeps probing and records the change', async () => {
  const run = await docker(d, ['run', '-d', '--name', 'probed', '--network', 'none', '--health-cmd', 'test ! -f /tmp/sick', '--health-interval', '300ms',
    '--health-retries', '1', 'busybox', 'sleep', '600']);
  assert.equal(run.code, 0, run.stderr);
  const status = async () => (await docker(d, ['inspect', '-f', '{{.State.Health.Status}}', 'probed'])).stdout.trim();
  const until = async (want: string) => {
    for (let i = 0; i < 100 && (await status()) !== want; i++) await sleep(100);
    assert.equal(await status(), want);
  };
  await until('healthy');
  await crashAndRestart();
  assert.equal(await status(), 'healthy', 'the state survives the crash');
  assert.equal((await docker(d, ['exec', 'probed', 'touch', '/tmp/sick'])).code, 0);
  await until('unhealthy');
  await docker(d, ['rm', '-f', 'probed']);
});
