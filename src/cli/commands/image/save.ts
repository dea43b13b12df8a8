import type { Command } from 'commander';
import { refuseTerminal, writeArchive } from '../../archive-output.js';
import type { CliContext } from '../../context.js';

export function registerSave(program: Command, image: Command, ctx: CliContext): void {
  const action = async (images: string[], opts: { output?: string }) => {
    refuseTerminal(opts.output);
    await writeArchive(await ctx.client().imageSave(images), opts.output);
  };
  for (const cmd of [program.command('save'), image.command('save')]) {
    cmd
      .description('Save one or more images to a tar archive (streamed to STDOUT by default)')
      .argument('<IMAGE...>')
      .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
      .action(action);
  }
}
