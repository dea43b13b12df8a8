import type { Command } from 'commander';
import { NetworkClient } from '../../../client/network-client.js';
import type { CliContext } from '../../context.js';

/** `network rm NETWORK...`: names each removed network; errors after, exit 1. */
export function registerNetworkRm(network: Command, ctx: CliContext): void {
  network
    .command('rm')
    .alias('remove')
    .description('Remove one or more networks')
    .argument('<NETWORK...>')
    .option('-f, --force', 'Do not error if the network does not exist')
    .action(async (refs: string[], opts: { force?: boolean }) => {
      const api = new NetworkClient(ctx.client().transport);
      for (const ref of refs) {
        try {
          await api.remove(ref);
          ctx.out(`${ref}\n`);
        } catch (err) {
          if (opts.force && /not found/.test((err as Error).message)) continue;
          ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
      }
    });
}
