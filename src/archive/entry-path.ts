import { lstat, mkdir } from 'node:fs/promises';
import { posix, join } from 'node:path';
import { InvalidArgument } from '../core/errors.js';

/**
 * Entry names are cleaned lexically (`./a//b/` → `a/b`, `a/../b` → `b`) and then must
 * stay under the layer root. Unlike Docker, which rewrites `/etc/x` to `etc/x`, an
 * absolute name is refused: a well-formed layer never has one, and accepting it hides
 * a broken or hostile producer. The empty string is the root itself.
 */
export function cleanEntryPath(name: string): string {
  if (name.includes('\0')) throw refused(name, 'name contains a NUL byte');
  if (name === '') throw refused(name, 'empty name');
  if (name.startsWith('/')) throw refused(name, 'absolute paths are not allowed');
  const clean = posix.normalize(name).replace(/\/+$/, '');
  if (clean === '..' || clean.startsWith('../')) throw refused(name, 'path escapes the layer root');
  return clean === '.' ? '' : clean;
}

export function refused(name: string, why: string): InvalidArgument {
  return new InvalidArgument(`refusing tar entry ${JSON.stringify(name)}: ${why}`);
}

/**
 * Walks the parent components of `rel` under `root` with lstat, never following a
 * symlink, so nothing is ever written through a link an earlier entry (or a lower
 * layer) planted. Missing parents are created 0755 when `create` is set, as Docker
 * does; otherwise a missing parent answers `false` (there is nothing below it).
 * `entryName` (the raw name) and `subject` word the error message.
 * `known` (exclusive writers only) holds relative paths already checked to be real
 * directories: they are not checked again, and every parent checked here is added.
 */
export async function checkParents(
  root: string,
  rel: string,
  entryName: string,
  create: boolean,
  subject = 'path',
  known?: Set<string>,
): Promise<boolean> {
  const last = rel.lastIndexOf('/');
  if (last < 0) return true;
  if (known?.has(rel.slice(0, last)) === true) return true;
  const parts = rel.split('/');
  let abs = root;
  for (let i = 0; i < parts.length - 1; i++) {
    abs = join(abs, parts[i]!);
    const prefix = known !== undefined ? parts.slice(0, i + 1).join('/') : '';
    if (known?.has(prefix) === true) continue;
    const st = await lstatOrNull(abs);
    if (st === null) {
      if (!create) return false;
      await mkdir(abs, { mode: 0o755 });
      known?.add(prefix);
      continue;
    }
    if (st.isSymbolicLink()) throw refused(entryName, `${subject} goes through the symlink "${parts.slice(0, i + 1).join('/')}"`);
    if (!st.isDirectory()) throw refused(entryName, `parent "${parts.slice(0, i + 1).join('/')}" is not a directory`);
    known?.add(prefix);
  }
  return true;
}

export async function lstatOrNull(path: string): Promise<import('node:fs').Stats | null> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
