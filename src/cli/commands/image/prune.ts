import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../../context.js';
import { collect, filtersFrom } from '../../options.js';
import { humanSize } from '../../format/units.js';

export function registerImagePrune(image: Command, ctx: CliContext): void {
  image
    .command('prune')
    .description('Remove unused images')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (opts: { all?: boolean; filter?: string[]; force?: boolean }) => {
      const warning = opts.all
        ? 'WARNING! This will remove all images without at least one container associated to them.'
        : 'WARNING! This will remove all dangling images.';
      if (!opts.force) {
        if (!process.stdin.isTTY) {
          ctx.out(`${warning}\nAre you sure you want to continue? [y/N] `);
        }
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(process.stdin.isTTY ? `${warning}\nAre you sure you want to continue? [y/N] ` : '');
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) return;
      }
      const filters = filtersFrom(opts.filter);
      filters.dangling = [opts.all ? 'false' : 'true'];
      const res = await ctx.client().imagePrune(filters);
      ctx.out(deletedImagesReport(res.ImagesDeleted));
      ctx.out(`Total reclaimed space: ${humanSize(res.SpaceReclaimed)}\n`);
    });
}

/** Docker's `Deleted Images:` block of a prune (nothing when none went). */
export function deletedImagesReport(items: ReadonlyArray<{ Untagged?: string; Deleted?: string }> | null | undefined): string {
  if (!items?.length) return '';
  return `Deleted Images:\n${items.map((i) => (i.Untagged ? `untagged: ${i.Untagged}\n` : `deleted: ${i.Deleted}\n`)).join('')}\n`;
}
