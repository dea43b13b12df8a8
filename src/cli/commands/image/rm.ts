import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

export function registerRmi(program: Command, image: Command, ctx: CliContext): void {
  const action = async (images: string[], opts: { force?: boolean; prune?: boolean }) => {
    let failed: unknown;
    for (const name of images) {
      try {
        const items = await ctx.client().imageRemove(name, { force: opts.force, noPrune: opts.prune === false });
        for (const i of items) ctx.out(i.Untagged ? `Untagged: ${i.Untagged}\n` : `Deleted: ${i.Deleted}\n`);
      } catch (err) {
        // Docker goes on with the other images and fails at the end.
        ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
        failed = err;
      }
    }
    if (failed) process.exitCode = 1;
  };
  for (const cmd of [program.command('rmi'), image.command('rm').alias('remove')]) {
    cmd
      .description('Remove one or more images')
      .argument('<IMAGE...>')
      .option('-f, --force', 'Force removal of the image')
      .option('--no-prune', 'Do not delete untagged parents')
      .action(action);
  }
}
