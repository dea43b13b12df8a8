import type { Command } from 'commander';
import { NetworkClient } from '../../../client/network-client.js';
import type { EndpointSettings } from '../../../core/wire/networks.js';
import type { CliContext } from '../../context.js';
import { collect } from '../../options.js';

/** `network connect [--alias] [--ip] NETWORK CONTAINER` and `network disconnect [-f] NETWORK CONTAINER`. */
export function registerNetworkConnect(network: Command, ctx: CliContext): void {
  network
    .command('connect')
    .description('Connect a container to a network')
    .argument('<NETWORK>')
    .argument('<CONTAINER>')
    .option('--alias <strings>', 'Add network-scoped alias for the container', collect)
    .option('--ip <string>', 'IPv4 address (e.g., "172.30.100.104")')
    .option('--driver-opt <strings>', 'driver options for the network', collect)
    .action(async (net: string, container: string, opts: { alias?: string[]; ip?: string }) => {
      const ep: EndpointSettings = {};
      if (opts.alias?.length) ep.Aliases = opts.alias;
      if (opts.ip) ep.IPAMConfig = { IPv4Address: opts.ip };
      await new NetworkClient(ctx.client().transport).connect(net, container, ep);
    });
  network
    .command('disconnect')
    .description('Disconnect a container from a network')
    .argument('<NETWORK>')
    .argument('<CONTAINER>')
    .option('-f, --force', 'Force the container to disconnect from a network')
    .action(async (net: string, container: string, opts: { force?: boolean }) => {
      await new NetworkClient(ctx.client().transport).disconnect(net, container, opts.force ?? false);
    });
}
