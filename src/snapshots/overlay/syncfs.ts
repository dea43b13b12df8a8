import { execFile } from 'node:child_process';
import { Internal, messageOf } from '../../core/errors.js';

/**
 * syncfs(2) of the file system holding `path`: every dirty page and inode on it reaches the
 * disk. Node has no syncfs, so this runs coreutils' `sync -f` (one process, a few ms). One
 * call makes a whole unpacked layer durable, where fsync per file would cost a disk flush
 * per file.
 */
export function syncFileSystem(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sync', ['-f', '--', path], (err, _stdout, stderr) => {
      if (err) reject(new Internal(`sync -f ${path}: ${stderr.trim() || messageOf(err)}`, { cause: err }));
      else resolve();
    });
  });
}
