import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgument } from '../core/errors.js';
import { lstatOrNull } from './entry-path.js';

/** Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS is 40; Docker allows 255). */
const MAX_LINKS = 255;

/**
 * Resolves `path` (absolute or relative, as seen inside a container) against `root` the way
 * the container itself would, following every symlink but never leaving `root`: an absolute
 * link target restarts at `root`, and `..` stops at it (Docker's FollowSymlinkInScope).
 * Components that do not exist are kept as written. Returns the clean relative path
 * (`etc/passwd`; `''` for the root itself).
 *
 * The answer is only as good as the moment it was computed: a process inside the container
 * can swap a directory for a symlink afterwards, so writers must still refuse symlinks
 * while they walk (LayerWriter does).
 *
 * `locate` maps a relative path to where it really is on the host, for trees with other
 * directories mounted into them (a stopped container's volumes); by default `root/rel`.
 */
export async function resolveInScope(root: string, path: string, locate?: (rel: string) => string): Promise<string> {
  const resolved: string[] = [];
  const pending = path.split('/');
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift()!;
    if (comp === '' || comp === '.') continue;
    if (comp === '..') {
      resolved.pop();
      continue;
    }
    const candidate = [...resolved, comp];
    let st;
    try {
      st = await lstatOrNull(locate ? locate(candidate.join('/')) : join(root, ...candidate));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
      st = null;
    }
    if (st === null || !st.isSymbolicLink()) {
      resolved.push(comp);
      continue;
    }
    if (++links > MAX_LINKS) throw new InvalidArgument(`too many links in ${path}`);
    const target = await readlink(locate ? locate(candidate.join('/')) : join(root, ...candidate));
    if (target.startsWith('/')) resolved.length = 0;
    pending.unshift(...target.split('/'));
  }
  return resolved.join('/');
}
