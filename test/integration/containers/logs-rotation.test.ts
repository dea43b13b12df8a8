// Log rotation with old files kept (--log-opt max-size/max-file, daemon-wide log-opts), read back in order by logs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, docker, type CmdResult, type Daemon } from '../../helpers/berthd.js';
import { useBusyboxDaemon } from '../../helpers/fixture.js';

const CONFIG = `/tmp/berth-logrot-${process.pid}.json`;
await writeFile(CONFIG, JSON.stringify({ 'log-opts': { 'max-size': '32k', 'max-file': '2' } }));
const daemon = useBusyboxDaemon({ args: ['--config-file', CONFIG] });
after(() => rm(CONFIG, { force: true }));

type Cli = (d: Daemon, args: string[]) => Promise<CmdResult>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(cli: Cli, args: string[]): Promise<string> {
  const r = await cli(daemon(), args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Sizes of the non-empty log files of a container (the staged next file is empty). */
async function logSizes(id: string): Promise<number[]> {
  const dir = join(daemon().dataRoot, 'containers', id, 'logs');
  const sizes = await Promise.all((await readdir(dir)).map(async (n) => (await stat(join(dir, n))).size));
  return sizes.filter((s) => s > 0);
}

// Lines are numbered; a short pause every 100 lines (about a third of a 16k file) gives berthd time to stage
// the next file even on a loaded machine. A writer that fills a whole file before berthd reacts loses that
// file (see docs/DECISIONS.md, container logs).
const WRITER = 'sleep 1; i=0; while [ $i -lt 4000 ]; do echo "line $i"; i=$((i+1)); [ $((i % 100)) = 0 ] && sleep 0.05; done';

for (const [name, cli] of [['docker', docker], ['berth', berth]] as Array<[string, Cli]>) {
  test(`${name}: a log past max-size*max-file keeps max-file files within max-size, and logs reads them in order`, async () => {
    const c = `${name}-rot`;
    const id = (await ok(cli, ['run', '-d', '--name', c, '--log-opt', 'max-size=16k', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c', WRITER])).trim();
    // Follow from the start (the writer waits a second for it): -f must cross every rotation without losing or repeating a line.
    const follow = cli(daemon(), ['logs', '-f', c]);
    assert.equal((await ok(cli, ['wait', c])).trim(), '0');
    const sizes = await logSizes(id);
    assert.ok(sizes.length <= 3, `at most 3 files: ${sizes}`);
    assert.ok(sizes.every((s) => s <= 16 * 1024), `none over 16k: ${sizes}`);
    const lines = (await ok(cli, ['logs', c])).trimEnd().split('\n');
    assert.equal(lines.at(-1), 'line 3999');
    const first = Number(lines[0]!.split(' ')[1]);
    assert.ok(first > 3000, `old lines are gone: starts at ${first}`);
    assert.deepEqual(lines, Array.from({ length: 4000 - first }, (_, i) => `line ${first + i}`), 'newest lines, in order, no gap');
    const followed = (await follow).stdout.trimEnd().split('\n');
    assert.deepEqual(followed, Array.from({ length: 4000 }, (_, i) => `line ${i}`), 'logs -f saw every line once');
    assert.equal(await ok(cli, ['logs', '--tail', '2', c]), 'line 3998\nline 3999\n');
    const ts = (await ok(cli, ['logs', '-t', '--tail', '1', c])).trim();
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 3999$/);
    const since = ts.split(' ')[0]!;
    // conmon stamps every line of one read with the same time, so --since keeps that whole batch.
    const recent = (await ok(cli, ['logs', '--since', since, c])).trimEnd().split('\n');
    assert.equal(recent.at(-1), 'line 3999');
    assert.ok(recent.length < lines.length, `--since drops older lines: ${recent.length}`);
    const inspect = JSON.parse(await ok(docker, ['inspect', c])) as Array<{ HostConfig: { LogConfig: unknown } }>;
    assert.deepEqual(inspect[0]!.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '16k', 'max-file': '3' } });
    await ok(cli, ['rm', c]);
  });
}

test('daemon-wide log-opts apply to containers that set none, and are shown by inspect as dockerd does', async () => {
  const id = (await ok(docker, ['run', '-d', '--name', 'dflt', 'busybox', 'sh', '-c', WRITER])).trim();
  await ok(docker, ['wait', 'dflt']);
  const sizes = await logSizes(id);
  assert.ok(sizes.length <= 2 && sizes.every((s) => s <= 32 * 1024), `2 files of 32k at most: ${sizes}`);
  const inspect = JSON.parse(await ok(docker, ['inspect', 'dflt'])) as Array<{ HostConfig: { LogConfig: unknown } }>;
  assert.deepEqual(inspect[0]!.HostConfig.LogConfig, { Type: 'json-file', Config: { 'max-size': '32k', 'max-file': '2' } });
  assert.equal((await ok(docker, ['logs', '--tail', '1', 'dflt'])), 'line 3999\n');
  await ok(docker, ['rm', 'dflt']);
});

test('each start begins a new file (conmon counts from zero), and logs shows every run in order', async () => {
  await ok(docker, ['run', '--name', 'again', '--log-opt', 'max-file=5', '--log-opt', 'max-size=1m', 'busybox', 'echo', 'run']);
  await ok(docker, ['start', '-a', 'again']);
  await ok(docker, ['start', '-a', 'again']);
  assert.equal(await ok(docker, ['logs', 'again']), 'run\nrun\nrun\n');
  await ok(docker, ['rm', 'again']);
});

test('bad log options are refused at create with Docker\'s messages', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--log-opt', 'max-file=0', '--log-opt', 'max-size=1m'], /max-file cannot be less than 1/],
    [['--log-opt', 'nope=1'], /unknown log opt 'nope' for json-file log driver/],
    [['--log-opt', 'max-size=ten'], /invalid size: 'ten'/],
    [['--log-driver', 'splunkish'], /no log driver named 'splunkish' is registered/],
  ];
  for (const [flags, message] of cases) {
    const r = await docker(daemon(), ['create', ...flags, 'busybox']);
    assert.notEqual(r.code, 0, flags.join(' '));
    assert.match(r.stderr, message);
  }
  await ok(docker, ['run', '--name', 'quiet', '--log-driver', 'none', 'busybox', 'echo', 'hi']);
  const r = await docker(daemon(), ['logs', 'quiet']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /configured logging driver does not support reading/);
  await ok(docker, ['rm', 'quiet']);
  await sleep(0);
});
