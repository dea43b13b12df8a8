import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, Internal } from '../../../src/core/errors.js';
import { readK8sLog } from '../../../src/runtime/logs/k8s-file.js';
import { ConmonRuncRuntime } from '../../../src/runtime/runc/conmon-runc-runtime.js';
import { resolveExecutable } from '../../../src/runtime/runc/executable.js';
import { buildSpec } from '../../../src/runtime/spec/build-spec.js';
import type { SpecInput } from '../../../src/runtime/spec/build-spec.js';
import { readHardLimits } from '../../../src/runtime/spec/host-limits.js';

async function missingPrerequisite(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const bin of ['runc', 'conmon']) {
    try {
      await resolveExecutable(bin);
    } catch {
      return `${bin} is not installed`;
    }
  }
  try {
    await readFile('/bin/busybox');
  } catch {
    return 'busybox-static (/bin/busybox) is not installed';
  }
  return undefined;
}

const skip = await missingPrerequisite();

describe('ConmonRuncRuntime', { skip }, () => {
  let dir = '';
  let rt: ConmonRuncRuntime;
  const created: string[] = [];
  let seq = 0;

  before(async () => {
    dir = await mkdtemp('/tmp/rt-int-');
    rt = new ConmonRuncRuntime({ runcRoot: join(dir, 'runc'), socketDir: join(dir, 'sockets') });
  });

  after(async () => {
    for (const id of created) await rt.delete(id, true).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  /** A bundle whose rootfs is busybox plus the applets the tests use. */
  async function container(args: string[], extra: Partial<SpecInput> = {}) {
    const id = `rt-${process.pid}-${++seq}`;
    const bundle = join(dir, 'bundles', id);
    const rootfs = join(bundle, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await copyFile('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'echo', 'sleep', 'cat', 'true']) await symlink('busybox', join(rootfs, 'bin', applet));
    const spec = buildSpec({
      rootfs, args, env: ['PATH=/bin'], network: 'none', hostname: id, rlimitCeilings: await readHardLimits(), ...extra,
    });
    await writeFile(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    const opts = {
      id, bundle, logPath: join(dir, 'logs', `${id}.log`), exitDir: join(dir, 'exits'),
      persistDir: join(dir, 'persist', id), terminal: false, stdin: false,
    };
    await mkdir(join(dir, 'logs'), { recursive: true });
    return opts;
  }

  async function run(args: string[], extra: Partial<SpecInput> = {}) {
    const opts = await container(args, extra);
    const res = await rt.create(opts);
    created.push(opts.id);
    return { opts, ...res };
  }

  test('runs a command: exit code and stdout/stderr in the k8s-file log', async () => {
    const { opts, pid, conmonPid } = await run(['sh', '-c', 'echo hello; echo err >&2; exit 3']);
    assert.ok(pid > 0 && conmonPid > 0);
    assert.equal((await rt.state(opts.id))?.status, 'created');
    assert.equal(await rt.readExitCode(opts.exitDir, opts.id), undefined);
    await rt.start(opts.id);
    assert.equal(await rt.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 3);
    assert.equal(await rt.readExitCode(opts.exitDir, opts.id), 3);
    assert.equal((await rt.state(opts.id))?.status, 'stopped');
    const records = [];
    for await (const r of readK8sLog(opts.logPath)) records.push(`${r.stream}:${r.line}`);
    assert.deepEqual(records.sort(), ['stderr:err', 'stdout:hello']);
    await rt.delete(opts.id);
    assert.equal(await rt.state(opts.id), undefined);
  });

  test('a tty container: conmon owns the console, output lands in the log', async () => {
    const opts = { ...(await container(['sh', '-c', 'echo tty-out'], { terminal: true })), terminal: true, stdin: true };
    await rt.create(opts);
    created.push(opts.id);
    await rt.start(opts.id);
    assert.equal(await rt.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 0);
    const lines = [];
    for await (const r of readK8sLog(opts.logPath)) lines.push(r.line.replace(/\r$/, ''));
    assert.ok(lines.includes('tty-out'), JSON.stringify(lines));
  });

  test('ulimits are clamped to our own hard limit', async () => {
    const { opts } = await run(['sh', '-c', 'ulimit -n'], { ulimits: [{ name: 'nofile', soft: 1 << 30, hard: 1 << 30 }] });
    await rt.start(opts.id);
    assert.equal(await rt.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 0);
    const limits = await readHardLimits();
    const lines = [];
    for await (const r of readK8sLog(opts.logPath)) lines.push(r.line);
    assert.deepEqual(lines, [String(limits['RLIMIT_NOFILE'])]);
  });

  test('state transitions, pause/resume, signals, idempotent delete', async () => {
    const { opts, pid } = await run(['sleep', '100']);
    await rt.start(opts.id);
    assert.deepEqual(await rt.state(opts.id), { id: opts.id, status: 'running', pid });
    await rt.pause(opts.id);
    assert.equal((await rt.state(opts.id))?.status, 'paused');
    await rt.resume(opts.id);
    assert.equal((await rt.state(opts.id))?.status, 'running');
    // PID 1 of a pid namespace ignores SIGTERM without a handler, as in Docker.
    await rt.kill(opts.id, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await rt.state(opts.id))?.status, 'running');
    await rt.kill(opts.id, 'KILL');
    // conmon records death by signal as 128 + signal number.
    assert.equal(await rt.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 137);
    assert.equal((await rt.state(opts.id))?.status, 'stopped');
    await assert.rejects(rt.kill(opts.id, 'KILL'), Conflict);
    await rt.delete(opts.id);
    await rt.delete(opts.id);
    await rt.delete(opts.id, true);
    assert.equal(await rt.state(opts.id), undefined);
  });

  test('SIGTERM to a shell that handles it: exit 143; kill --all reaches children', async () => {
    const { opts } = await run(['sh', '-c', 'trap "exit 143" TERM; sleep 100 & wait']);
    await rt.start(opts.id);
    await new Promise((r) => setTimeout(r, 200));
    await rt.kill(opts.id, 15, true);
    assert.equal(await rt.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 143);
  });

  test('delete --force stops a running container', async () => {
    const { opts } = await run(['sleep', '100']);
    await rt.start(opts.id);
    await assert.rejects(rt.delete(opts.id), Conflict);
    await rt.delete(opts.id, true);
    assert.equal(await rt.state(opts.id), undefined);
    assert.equal(await rt.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 137);
  });

  test('conmon is not our child: the container outlives its creator', async () => {
    const { opts, pid, conmonPid } = await run(['sleep', '100']);
    await rt.start(opts.id);
    const ppidOf = async (p: number) => {
      const stat = await readFile(`/proc/${p}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    };
    const conmonParent = await ppidOf(conmonPid);
    assert.notEqual(conmonParent, process.pid);
    assert.notEqual(conmonParent, process.ppid);
    assert.equal(await ppidOf(pid), conmonPid, 'conmon reaps the container');
    // A fresh runtime object (a restarted berthd) finds the container by id.
    const again = new ConmonRuncRuntime({ runcRoot: join(dir, 'runc'), socketDir: join(dir, 'sockets') });
    assert.equal((await again.state(opts.id))?.status, 'running');
    await again.kill(opts.id, 'KILL');
    assert.equal(await again.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 137);
  });

  test('start releases the init itself: running, without spawning runc start', async () => {
    // A runc that notes each verb it is called with, so a spawned `runc start` would show.
    const verbs = join(dir, 'runc-verbs');
    const wrapper = join(dir, 'runc-noting');
    await writeFile(wrapper, `#!/bin/sh\necho "$*" >> ${verbs}\nexec ${await resolveExecutable('runc')} "$@"\n`, { mode: 0o755 });
    const noting = new ConmonRuncRuntime({ runcPath: wrapper, runcRoot: join(dir, 'runc'), socketDir: join(dir, 'sockets') });
    const opts = await container(['sleep', '100']);
    const { pid } = await noting.create(opts);
    created.push(opts.id);
    await noting.start(opts.id);
    assert.deepEqual(await noting.state(opts.id), { id: opts.id, status: 'running', pid });
    const calls = await readFile(verbs, 'utf8');
    const called = (verb: string) => new RegExp(`(^| )${verb} `, 'm').test(calls);
    assert.ok(called('create') && called('state'), calls);
    assert.ok(!called('start'), calls);
    // Started once: a second start is runc's to refuse.
    await assert.rejects(noting.start(opts.id), /cannot start|running/i);
    await noting.kill(opts.id, 'KILL');
    assert.equal(await noting.waitExit(opts.exitDir, opts.id, AbortSignal.timeout(20_000)), 137);
  });

  test('start of a created container whose init died, or that another runtime object created, goes through runc', async () => {
    const { opts, pid } = await run(['sleep', '100']);
    process.kill(pid, 'SIGKILL');
    await assert.rejects(rt.start(opts.id), /stopped|not running|cannot start/i);
    const other = await run(['sh', '-c', 'exit 5']);
    const fresh = new ConmonRuncRuntime({ runcRoot: join(dir, 'runc'), socketDir: join(dir, 'sockets') });
    await fresh.start(other.opts.id);
    assert.equal(await fresh.waitExit(other.opts.exitDir, other.opts.id, AbortSignal.timeout(20_000)), 5);
  });

  test('a failing runc create rejects with runc\'s message and leaves nothing behind', async () => {
    const opts = await container(['/no/such/binary']);
    await assert.rejects(rt.create(opts), (err: unknown) => {
      assert.ok(err instanceof Internal);
      assert.match(err.message, /no such file|not found|executable/i);
      return true;
    });
    assert.equal(await rt.state(opts.id), undefined);
  });

  test('waitExit rejects when aborted', async () => {
    const { opts } = await run(['sleep', '100']);
    const ac = new AbortController();
    const waiting = rt.waitExit(opts.exitDir, opts.id, ac.signal);
    ac.abort(new Error('gave up'));
    await assert.rejects(waiting, /gave up/);
  });
});
