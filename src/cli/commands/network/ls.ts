import type { Command } from 'commander';
import { NetworkClient } from '../../../client/network-client.js';
import type { CliContext } from '../../context.js';
import { renderList } from '../../format/list-output.js';
import { goTime } from '../../format/units.js';
import { collect, filtersFrom } from '../../options.js';

const HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' };

/** `network ls`: Docker's columns, -q, -f and --format. */
export function registerNetworkLs(network: Command, ctx: CliContext): void {
  network
    .command('ls')
    .alias('list')
    .description('List networks')
    .option('-f, --filter <filter>', 'Provide filter values (e.g. "driver=bridge")', collect)
    .option('--format <string>', 'Format output using a custom template')
    .option('--no-trunc', 'Do not truncate the output')
    .option('-q, --quiet', 'Only display network IDs')
    .action(async (opts: { filter?: string[]; format?: string; trunc?: boolean; quiet?: boolean }) => {
      const list = await new NetworkClient(ctx.client().transport).list(filtersFrom(opts.filter));
      const noTrunc = opts.trunc === false;
      const rows = list
        .sort((a, b) => a.Name.localeCompare(b.Name))
        .map((n) => ({
          ID: noTrunc ? n.Id : n.Id.slice(0, 12),
          Name: n.Name,
          Driver: n.Driver,
          Scope: n.Scope,
          IPv6: String(n.EnableIPv6),
          Internal: String(n.Internal),
          Labels: Object.entries(n.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
          CreatedAt: goTime(Math.floor(Date.parse(n.Created) / 1000)),
        }));
      ctx.out(renderList(rows, { defaultTable: '{{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}', headers: HEADERS }, opts.format, 'ID', opts.quiet));
    });
}
