import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { renderInspect } from '../../format/list-output.js';

export function inspectImagesAction(ctx: CliContext) {
  return async (names: string[], opts: { format?: string }) => {
    const found: unknown[] = [];
    let failed: Error | undefined;
    for (const n of names) {
      try {
        found.push(await ctx.client().imageInspect(n));
      } catch (err) {
        failed = err as Error;
        ctx.err(`Error response from daemon: ${failed.message}\n`);
      }
    }
    if (found.length || !failed) ctx.out(renderInspect(found, opts.format));
    if (failed) process.exitCode = 1;
  };
}

export function registerImageInspect(image: Command, ctx: CliContext): void {
  image
    .command('inspect')
    .description('Display detailed information on one or more images')
    .argument('<IMAGE...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(inspectImagesAction(ctx));
}
