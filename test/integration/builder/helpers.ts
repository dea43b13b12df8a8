import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { berth, busyboxTar, type Daemon } from '../../helpers/berthd.js';

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
