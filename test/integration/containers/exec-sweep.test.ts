// Exec directories under <exec-root>/execs: removed when the session ends, and at berthd start
// for sessions a killed berthd left behind, unless their conmon still runs the process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { berth, busyboxTar, destroyDaemon, docker, exists, startDaemon, type Daemon } from '../../helpers/berthd.js';

let d: Daemon;
before(async () => {
  d = await startDaemon();
  const r = await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  if (!d) return;
  if (d.proc.exitCode === null && d.proc.signalCode === null) await docker(d, ['rm', '-f', 'sweep']);
  await destroyDaemon(d);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const execsDir = () => join(d.execRoot, 'execs');
const list = async () => (await readdir(execsDir()).catch(() => [] as string[])).sort();

/** The exec ids whose process.json runs `args`. */
async function execsRunning(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of await list()) {
    const spec = await readFile(join(execsDir(), id, 'process.json'), 'utf8').catch(() => '');
    if (spec && JSON.stringify((JSON.parse(spec) as { args: string[] }).args) === JSON.stringify(args)) out.push(id);
  }
  return out;
}

test('a finished exec leaves no directory; after a crash, start sweeps ended sessions and keeps running ones', async () => {
  assert.equal((await docker(d, ['run', '-d', '--name', 'sweep', 'busybox', 'sleep', '3600'])).code, 0);
  const r = await docker(d, ['exec', 'sweep', 'sh', '-c', 'echo done; exit 4']);
  assert.deepEqual([r.code, r.stdout], [4, 'done\n']);
  for (let i = 0; i < 200 && (await list()).length; i++) await sleep(25);
  assert.deepEqual(await list(), [], 'the ended session removed its directory');

  assert.equal((await docker(d, ['exec', '-d', 'sweep', 'sleep', '3600'])).code, 0);
  // Ends when the test says so (a file it makes through the rootfs mount): no timing guesses.
  const waitGo = ['sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.05; done'];
  assert.equal((await docker(d, ['exec', '-d', 'sweep', ...waitGo])).code, 0);
  const [live] = await execsRunning(['sleep', '3600']);
  const [short] = await execsRunning(waitGo);
  assert.ok(live && short, `both exec directories exist: ${(await list()).join(' ')}`);
  // What an older berthd or a crash before conmon ran could leave: a directory no monitor owns.
  const stray = 'f'.repeat(64);
  await mkdir(join(execsDir(), stray, 'exits'), { recursive: true });
  await writeFile(join(execsDir(), stray, 'process.json'), '{}');

  const id = (await docker(d, ['inspect', '-f', '{{.Id}}', 'sweep'])).stdout.trim();
  await d.stop('SIGKILL');
  // The short exec ends while no berthd runs.
  await writeFile(join(d.dataRoot, 'containers', id, 'rootfs', 'tmp', 'go'), '');
  for (let i = 0; i < 200 && !(await exists(join(execsDir(), short, 'exits', id))); i++) await sleep(25);
  d = await startDaemon([], { root: d.root });

  assert.deepEqual(await list(), [live], 'only the session whose conmon still runs keeps its directory');
  assert.match(d.log(), /removed exec directories left by a previous run/);
  assert.ok(!(await exists(join(d.execRoot, 'sockets', short))), 'its attach socket directory went too');
  const ps = await docker(d, ['exec', 'sweep', 'ps', '-o', 'args']);
  assert.match(ps.stdout, /sleep 3600/, 'the running exec process was left alone');
});
