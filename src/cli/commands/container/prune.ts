import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../../context.js';
import { humanSize } from '../../format/units.js';

export function registerContainerPrune(container: Command, ctx: CliContext): void {
  container
    .command('prune')
    .description('Remove all stopped containers')
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (opts: { force?: boolean }) => {
      if (!opts.force) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question('WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ');
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) return;
      }
      const res = await ctx.client().containerPrune();
      if (res.ContainersDeleted?.length) ctx.out(`Deleted Containers:\n${res.ContainersDeleted.join('\n')}\n\n`);
      ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed)}\n`);
    });
}
