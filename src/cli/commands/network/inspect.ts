import type { Command } from 'commander';
import { NetworkClient } from '../../../client/network-client.js';
import type { CliContext } from '../../context.js';
import { renderInspect } from '../../format/list-output.js';

/** `network inspect NETWORK...`: found ones are printed, missing ones reported after, exit 1 then. */
export function registerNetworkInspect(network: Command, ctx: CliContext): void {
  network
    .command('inspect')
    .description('Display detailed information on one or more networks')
    .argument('<NETWORK...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .option('-v, --verbose', 'Verbose output for diagnostics')
    .action(async (refs: string[], opts: { format?: string }) => {
      const api = new NetworkClient(ctx.client().transport);
      const found: unknown[] = [];
      const errors: string[] = [];
      for (const ref of refs) {
        try {
          found.push(await api.inspect(ref));
        } catch (err) {
          errors.push(`Error response from daemon: ${(err as Error).message}`);
        }
      }
      if (found.length || !opts.format) ctx.out(renderInspect(found, opts.format));
      if (errors.length) {
        ctx.err(errors.join('\n') + '\n');
        process.exitCode = 1;
      }
    });
}
