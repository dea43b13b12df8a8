import type { Command } from 'commander';
import { refuseTerminal, writeArchive } from '../../archive-output.js';
import type { CliContext } from '../../context.js';

export function registerExport(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string, opts: { output?: string }) => {
    refuseTerminal(opts.output);
    await writeArchive(await ctx.client().containerExport(ref), opts.output);
  };
  for (const cmd of [program.command('export'), container.command('export')]) {
    cmd
      .description("Export a container's filesystem as a tar archive")
      .argument('<CONTAINER>')
      .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
      .action(action);
  }
}
