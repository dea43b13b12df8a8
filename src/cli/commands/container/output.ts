import type { Readable } from 'node:stream';
import { demux } from '../../../client/hijack.js';

/** Copies a container's output stream to our stdout/stderr (demultiplexed unless it is a TTY stream). */
export function pipeOutput(stream: Readable, tty: boolean): Promise<void> {
  const write = tty ? (b: Buffer) => process.stdout.write(b) : demux((b) => process.stdout.write(b), (b) => process.stderr.write(b));
  return new Promise((resolve, reject) => {
    stream.on('data', (c: Buffer) => write(c));
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', reject);
  });
}

/** Docker's exit codes for a container that could not start: 126 not executable, 127 not found, 125 otherwise. */
export function startFailureCode(message: string): number {
  if (/executable file not found|no such file or directory/i.test(message)) return 127;
  if (/permission denied/i.test(message)) return 126;
  return 125;
}
