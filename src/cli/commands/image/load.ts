import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import type { CliContext } from '../../context.js';

export function registerLoad(program: Command, image: Command, ctx: CliContext): void {
  const action = async (opts: { input?: string; quiet?: boolean }) => {
    if (!opts.input && process.stdin.isTTY) {
      throw new Error('requested load from stdin, but stdin is empty');
    }
    const source = opts.input ? createReadStream(opts.input) : process.stdin;
    const messages = await ctx.client().imageLoad(source, opts.quiet);
    for await (const m of messages) if (m.stream) ctx.out(m.stream);
  };
  for (const cmd of [program.command('load'), image.command('load')]) {
    cmd
      .description('Load an image from a tar archive or STDIN')
      .option('-i, --input <file>', 'Read from tar archive file, instead of STDIN')
      .option('-q, --quiet', 'Suppress the load output')
      .action(action);
  }
}
