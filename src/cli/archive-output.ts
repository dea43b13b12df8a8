import type { Readable } from 'node:stream';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/**
 * Writes a tar the daemon streams to `output`, or to stdout when none is given
 * (refusing a terminal, as Docker does). A failed transfer never leaves a
 * truncated archive under the requested name.
 */
export async function writeArchive(res: Readable, output: string | undefined): Promise<void> {
  if (!output) {
    await pipeline(res, process.stdout);
    return;
  }
  const tmp = `${output}.berth-tmp`;
  try {
    await pipeline(res, createWriteStream(tmp));
    await rename(tmp, output);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

export function refuseTerminal(output: string | undefined): void {
  if (!output && process.stdout.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
}
