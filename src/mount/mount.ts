import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Mount } from '../core/mount.js';
import { Internal, InvalidArgument, messageOf } from '../core/errors.js';
import { runCommand } from './exec.js';
import { isMountPoint } from './mountinfo.js';
import { prepareOverlayOptions } from './overlay-options.js';

export { isMountPoint, mountPointsUnder } from './mountinfo.js';

/** Stacked mounts unmount() peels off before giving up; mountAll never stacks this many. */
const MAX_STACKED = 64;
/** A mount still in use (e.g. a process exiting) gets a short grace before unmount fails. */
const BUSY_RETRIES = 10;
const BUSY_DELAY_MS = 50;

interface MountCommand {
  args: string[];
  cwd?: string;
}

/** Turns one Mount into mount(8) arguments. Bind mounts carry `bind`/`rbind` in -o, not -t. */
function commandFor(m: Mount, target: string): MountCommand {
  if (m.options.some((o) => o.includes(','))) {
    throw new InvalidArgument(`mount option with a comma cannot be passed to mount(8): ${m.options.join(' ')}`);
  }
  if (m.type === 'bind') {
    const opts = m.options.includes('bind') || m.options.includes('rbind') ? m.options : ['bind', ...m.options];
    return { args: ['-o', opts.join(','), m.source, target] };
  }
  let options = m.options;
  let cwd: string | undefined;
  if (m.type === 'overlay') ({ options, cwd } = prepareOverlayOptions(m.options));
  const args = ['-t', m.type];
  if (options.length > 0) args.push('-o', options.join(','));
  args.push(m.source, target);
  return { args, cwd };
}

/**
 * Mounts each of `mounts` on `target` in order (later ones stack on earlier ones).
 * All or nothing: if one fails, those already mounted are unmounted before the error
 * (Internal, with mount's stderr) is thrown. `target` must exist.
 *
 * @example
 * await mountAll(await snapshotter.prepare(id, imageTop), `${bundle}/rootfs`);
 */
export async function mountAll(mounts: Mount[], target: string): Promise<void> {
  const abs = resolve(target);
  let done = 0;
  try {
    for (const m of mounts) {
      const { args, cwd } = commandFor(m, abs);
      const r = await runCommand('mount', args, { cwd });
      if (r.code !== 0) {
        throw new Internal(`mount ${m.type} ${m.source} on ${abs} failed: ${r.stderr || `exit ${r.code}`}`);
      }
      done++;
    }
  } catch (err) {
    if (done > 0) {
      await unmount(abs).catch((cleanup: unknown) => {
        throw new Internal(`${messageOf(err)}; and cleaning up failed: ${messageOf(cleanup)}`, { cause: err });
      });
    }
    throw err;
  }
}

/**
 * Unmounts everything mounted at `target`, including stacked mounts. Idempotent: a target
 * that is not a mount point (or does not exist) is success. `detach` unmounts lazily
 * (umount -l), which succeeds even while the mount is busy.
 */
export async function unmount(target: string, opts: { detach?: boolean } = {}): Promise<void> {
  const abs = resolve(target);
  let busy = 0;
  for (let peeled = 0; peeled < MAX_STACKED; ) {
    if (!(await isMountPoint(abs))) return;
    const r = await runCommand('umount', [...(opts.detach ? ['-l'] : []), abs]);
    if (r.code === 0) {
      peeled++;
      continue;
    }
    // Lost a race with another unmount of the same target: nothing left to do.
    if (!(await isMountPoint(abs))) return;
    if (++busy > BUSY_RETRIES) throw new Internal(`unmount ${abs} failed: ${r.stderr || `exit ${r.code}`}`);
    await sleep(BUSY_DELAY_MS);
  }
  throw new Internal(`unmount ${abs}: still mounted after ${MAX_STACKED} unmounts`);
}
