import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { VolumeClient } from '../../../client/volume-client.js';
import type { CliContext } from '../../context.js';
import { collect, filtersFrom } from '../../options.js';
import { humanSize } from '../../format/units.js';

export function registerVolumePrune(volume: Command, ctx: CliContext): void {
  volume
    .command('prune')
    .description('Remove unused local volumes')
    .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "label=<label>")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (opts: { all?: boolean; filter?: string[]; force?: boolean }) => {
      const warning = opts.all
        ? 'WARNING! This will remove all local volumes not used by at least one container.'
        : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
      if (!opts.force) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(`${warning}\nAre you sure you want to continue? [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) return;
      }
      const filters = filtersFrom(opts.filter);
      if (opts.all) filters.all = ['true'];
      const res = await new VolumeClient(ctx.client()).prune(filters);
      if (res.VolumesDeleted?.length) ctx.out(`Deleted Volumes:\n${res.VolumesDeleted.join('\n')}\n\n`);
      ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed)}\n`);
    });
}
