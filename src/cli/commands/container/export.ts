import type { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { CliContext } from '../../context.js';

export function registerExport(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string, opts: { output?: string }) => {
    if (!opts.output && process.stdout.isTTY) {
      throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const res = await ctx.client().containerExport(ref);
    if (!opts.output) {
      await pipeline(res, process.stdout);
      return;
    }
    // A failed export must not leave a truncated archive under the requested name.
    const tmp = `${opts.output}.berth-tmp`;
    try {
      await pipeline(res, createWriteStream(tmp));
      await rename(tmp, opts.output);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  };
  for (const cmd of [program.command('export'), container.command('export')]) {
    cmd
      .description("Export a container's filesystem as a tar archive")
      .argument('<CONTAINER>')
      .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
      .action(action);
  }
}
