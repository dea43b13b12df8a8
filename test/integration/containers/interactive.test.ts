import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { berth, docker, exists, DOCKER, BERTH, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

const run = promisify(execFile);
// A tmux server of our own: test runs of other checkouts on this machine kill theirs when they end.
const TMUX_SOCKET = `berth-it-${process.pid}`;
const hasTmux = await exists('/usr/bin/tmux');

let d: Daemon;
after(async () => {
  await run('tmux', ['-L', TMUX_SOCKET, 'kill-server']).catch(() => undefined);
});
useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });

const tmux = (...args: string[]) => run('tmux', ['-L', TMUX_SOCKET, ...args]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForPane(session: string, re: RegExp, ms = 10_000): Promise<string> {
  let text = '';
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    text = (await tmux('capture-pane', '-p', '-t', session)).stdout;
    if (re.test(text)) return text;
  }
  assert.fail(`pane of ${session} never matched ${re}:\n${text}`);
}

for (const [cli, cmd] of [['docker', `DOCKER_HOST=unix://SOCK DOCKER_CONFIG=CFG ${DOCKER}`], ['berth', `${process.execPath} ${BERTH} -H unix://SOCK`]] as const) {
  test(`${cli} run -it: a shell with a TTY that follows the window size`, { skip: !hasTmux && 'tmux is not installed' }, async () => {
    const line = cmd.replace('SOCK', d.socket).replace('CFG', join(d.root, 'docker-config'));
    const session = `it-${cli}`;
    await tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', `${line} run -it --rm busybox sh; echo EXITED $?; sleep 60`);
    await waitForPane(session, /^\/ #/m);
    await tmux('send-keys', '-t', session, 'echo hi; stty size', 'Enter');
    const pane = await waitForPane(session, /^30 100\r?$/m);
    assert.match(pane, /^hi$/m);
    await tmux('resize-window', '-t', session, '-x', '120', '-y', '40');
    await sleep(300);
    await tmux('send-keys', '-t', session, 'stty size', 'Enter');
    await waitForPane(session, /^40 120$/m);
    await tmux('send-keys', '-t', session, 'exit 3', 'Enter');
    await waitForPane(session, /^EXITED 3$/m);
    await tmux('kill-session', '-t', session);
  });
}

test('detach with ctrl-p ctrl-q leaves the container running; attach gets it back', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  const line = `DOCKER_HOST=${d.host} DOCKER_CONFIG=${join(d.root, 'docker-config')} ${DOCKER}`;
  await tmux('new-session', '-d', '-s', 'det', '-x', '100', '-y', '30', `${line} run -it --name det busybox sh; echo EXITED $?; sleep 60`);
  await waitForPane('det', /^\/ #/m);
  await tmux('send-keys', '-t', 'det', 'C-p', 'C-q');
  await waitForPane('det', /EXITED 0/);
  assert.equal((await docker(d, ['inspect', '-f', '{{.State.Running}}', 'det'])).stdout.trim(), 'true');
  await tmux('new-session', '-d', '-s', 'att', '-x', '90', '-y', '20', `${process.execPath} ${BERTH} -H ${d.host} attach det; echo EXITED $?; sleep 60`);
  await sleep(500);
  await tmux('send-keys', '-t', 'att', 'stty size', 'Enter');
  await waitForPane('att', /^20 90$/m);
  await tmux('send-keys', '-t', 'att', 'exit 4', 'Enter');
  await waitForPane('att', /^EXITED 4$/m);
  await berth(d, ['rm', 'det']);
});

test('run -i pipes stdin; its EOF closes the container stdin', async () => {
  for (const r of [await berth(d, ['run', '-i', '--rm', 'busybox', 'cat'], 'hello\n'), await docker(d, ['run', '-i', '--rm', 'busybox', 'cat'], 'hello\n')]) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello\n');
  }
});

test('exec: output, exit codes, env, user, workdir, stdin, detached', async () => {
  assert.equal((await berth(d, ['run', '-d', '--name', 'ex', 'busybox', 'sleep', '300'])).code, 0);
  const hi = await berth(d, ['exec', 'ex', 'echo', 'hi']);
  assert.equal(hi.code, 0, hi.stderr);
  assert.equal(hi.stdout, 'hi\n');
  assert.equal((await docker(d, ['exec', 'ex', 'sh', '-c', 'exit 5'])).code, 5);
  assert.equal((await berth(d, ['exec', 'ex', 'sh', '-c', 'exit 6'])).code, 6);
  const opts = await docker(d, ['exec', '-e', 'A=1', '-u', 'nobody', '-w', '/tmp', 'ex', 'sh', '-c', 'echo $A $(id -un) $(pwd); echo err >&2']);
  assert.equal(opts.stdout, '1 nobody /tmp\n');
  assert.equal(opts.stderr, 'err\n');
  assert.equal((await berth(d, ['exec', '-i', 'ex', 'cat'], 'piped\n')).stdout, 'piped\n');
  assert.equal((await berth(d, ['exec', '-d', 'ex', 'sh', '-c', 'echo x > /tmp/f'])).code, 0);
  await sleep(300);
  assert.equal((await docker(d, ['exec', 'ex', 'cat', '/tmp/f'])).stdout, 'x\n');
  const missing = await docker(d, ['exec', 'ex', 'nosuch']);
  assert.equal(missing.code, 127);
  assert.match(missing.stdout + missing.stderr, /executable file not found/);
  assert.equal((await berth(d, ['rm', '-f', 'ex'])).code, 0);
});
