import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Internal } from '../core/errors.js';

const run = promisify(execFile);

/**
 * Docker's volume copy-up: fills an empty volume with what the image has at the mount
 * point, keeping owners, modes, times, xattrs, hard links, symlinks and special files,
 * and gives the volume's root the attributes of the image's directory. A volume that
 * already holds anything is left alone, so data is never overwritten. GNU `cp -a` does
 * the walk: Node has no API for xattrs, device nodes or owner-preserving copies.
 *
 * @returns whether anything was copied.
 */
export async function copyUpIfEmpty(source: string, volumeData: string): Promise<boolean> {
  if ((await readdir(volumeData)).length > 0) return false;
  try {
    // `SRC/.` copies the directory's contents and its own attributes onto the existing target.
    await run('cp', ['-a', '--', `${source}/.`, volumeData], { env: { ...process.env, LC_ALL: 'C' } });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Internal(`failed to populate volume: ${stderr || (err as Error).message}`, { cause: err });
  }
  return true;
}
