import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { berth, busyboxTar, destroyDaemon, startDaemon, type Daemon } from '../../helpers/berthd.js';

/** Imports the test busybox rootfs as busybox:latest (CMD ["sh"]); returns its ID. */
export async function seedBusybox(d: Daemon, tag = 'busybox:latest', message = 'base'): Promise<string> {
  const r = await berth(d, ['import', '-c', 'CMD ["sh"]', '-m', message, await busyboxTar(), tag]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

/** A fresh context directory holding `files` (path -> content). */
export async function makeContext(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-build-ctx-'));
  await writeContext(dir, files);
  return dir;
}

export async function writeContext(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [p, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), content);
  }
}

/** The image ID a build printed last (`Successfully built <id>`). */
export function builtId(stdout: string): string {
  const m = /Successfully built ([0-9a-f]{12})\n/.exec(stdout);
  assert.ok(m, `no "Successfully built" in:\n${stdout}`);
  return m[1]!;
}

/**
 * A builder test file's set-up: a berthd with busybox:latest seeded (handed to `use` once it is
 * up) and a `ctx(files)` that makes context directories, all removed after the file's tests.
 */
export function useBuildDaemon(use: (d: Daemon) => void): (files: Record<string, string | Buffer>) => Promise<string> {
  let d: Daemon | undefined;
  const dirs: string[] = [];
  before(async () => {
    d = await startDaemon();
    await seedBusybox(d);
    use(d);
  });
  after(async () => {
    if (d) await destroyDaemon(d);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });
  return async (files) => {
    const dir = await makeContext(files);
    dirs.push(dir);
    return dir;
  };
}

/** Runs `script` with sh in a throw-away container of `image` (as root, no network) and returns its stdout; fails the test on a non-zero exit. */
export async function shIn(d: Daemon, image: string, script: string): Promise<string> {
  const r = await berth(d, ['run', '--rm', '--network', 'none', '--user', 'root', '--entrypoint', 'sh', image, '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}
