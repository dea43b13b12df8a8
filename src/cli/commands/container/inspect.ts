import type { Command } from 'commander';
import { ApiError } from '../../../client/transport.js';
import type { CliContext } from '../../context.js';
import { renderInspect } from '../../format/list-output.js';

/** `berth inspect`: containers first, then images, as Docker resolves a bare name. */
export function inspectAnyAction(ctx: CliContext, only?: 'container' | 'image') {
  return async (refs: string[], opts: { format?: string; type?: string }) => {
    const kind = only ?? opts.type;
    const found: unknown[] = [];
    let failed = false;
    for (const ref of refs) {
      try {
        if (kind === 'image') found.push(await ctx.client().imageInspect(ref));
        else if (kind === 'container') found.push(await ctx.client().containerInspect(ref));
        else {
          try {
            found.push(await ctx.client().containerInspect(ref));
          } catch (err) {
            if (!(err instanceof ApiError) || err.status !== 404) throw err;
            found.push(await ctx.client().imageInspect(ref));
          }
        }
      } catch (err) {
        failed = true;
        if (err instanceof ApiError && err.status === 404 && !only) ctx.err(`Error: No such object: ${ref}\n`);
        else ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
      }
    }
    if (found.length || !failed) ctx.out(renderInspect(found, opts.format));
    if (failed) process.exitCode = 1;
  };
}

export function registerInspect(program: Command, container: Command, ctx: CliContext): void {
  program
    .command('inspect')
    .description('Return low-level information on Berth objects')
    .argument('<NAME|ID...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('--type <string>', 'Return JSON for specified type')
    .action(inspectAnyAction(ctx));
  container
    .command('inspect')
    .description('Display detailed information on one or more containers')
    .argument('<CONTAINER...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(inspectAnyAction(ctx, 'container'));
}
