import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { NetworkClient } from '../../../client/network-client.js';
import type { CliContext } from '../../context.js';
import { collect, filtersFrom } from '../../options.js';

const WARNING = 'WARNING! This will remove all custom networks not used by at least one container.';

/** `network prune`: asks first unless -f, then lists what went. */
export function registerNetworkPrune(network: Command, ctx: CliContext): void {
  network
    .command('prune')
    .description('Remove all unused networks')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .action(async (opts: { filter?: string[]; force?: boolean }) => {
      if (!opts.force) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(`${WARNING}\nAre you sure you want to continue? [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) return;
      }
      const res = await new NetworkClient(ctx.client().transport).prune(filtersFrom(opts.filter));
      if (res.NetworksDeleted?.length) ctx.out(`Deleted Networks:\n${res.NetworksDeleted.map((n) => `${n}\n`).join('')}`);
    });
}
