import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { CliContext } from '../../context.js';

export function registerSave(program: Command, image: Command, ctx: CliContext): void {
  const action = async (images: string[], opts: { output?: string }) => {
    if (!opts.output && process.stdout.isTTY) {
      throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const res = await ctx.client().imageSave(images);
    if (!opts.output) {
      await pipeline(res, process.stdout);
      return;
    }
    // A failed save must not leave a truncated archive under the requested name.
    const tmp = `${opts.output}.berth-tmp`;
    try {
      await pipeline(res, createWriteStream(tmp));
      await rename(tmp, opts.output);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  };
  for (const cmd of [program.command('save'), image.command('save')]) {
    cmd
      .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
      .argument('<IMAGE...>')
      .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
      .action(action);
  }
}
