import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { NetworkClient } from '../../../client/network-client.js';
import type { CliContext } from '../../context.js';
import { collect, keyValueMap } from '../../options.js';

interface CreateOptions {
  driver?: string;
  subnet?: string[];
  gateway?: string[];
  ipRange?: string[];
  internal?: boolean;
  attachable?: boolean;
  label?: string[];
  opt?: string[];
  ipv6?: boolean;
}

/** `network create [OPTIONS] NETWORK`: prints the new network's ID. */
export function registerNetworkCreate(network: Command, ctx: CliContext): void {
  network
    .command('create')
    .description('Create a network')
    .argument('<NETWORK>')
    .option('-d, --driver <string>', 'Driver to manage the Network', 'bridge')
    .option('--subnet <strings>', 'Subnet in CIDR format that represents a network segment', collect)
    .option('--gateway <strings>', 'IPv4 or IPv6 Gateway for the master subnet', collect)
    .option('--ip-range <strings>', 'Allocate container ip from a sub-range', collect)
    .option('--internal', 'Restrict external access to the network')
    .option('--attachable', 'Enable manual container attachment')
    .option('--label <list>', 'Set metadata on a network', collect)
    .option('-o, --opt <map>', 'Set driver specific options', collect)
    .option('--ipv6', 'Enable or disable IPv6 networking')
    .action(async (name: string, opts: CreateOptions) => {
      const subnets = opts.subnet ?? [];
      const gateways = opts.gateway ?? [];
      if (gateways.length > subnets.length) throw new InvalidArgumentError('every ip-range or gateway must have a corresponding subnet');
      if (opts.ipRange?.length) throw new InvalidArgumentError('--ip-range is not supported by Berth yet');
      const res = await new NetworkClient(ctx.client().transport).create({
        Name: name,
        Driver: opts.driver,
        Internal: opts.internal ?? false,
        Attachable: opts.attachable ?? false,
        EnableIPv6: opts.ipv6 ?? false,
        IPAM: { Driver: 'default', Config: subnets.map((s, i) => ({ Subnet: s, ...(gateways[i] ? { Gateway: gateways[i] } : {}) })), Options: {} },
        Options: keyValueMap(opts.opt, '-o, --opt'),
        Labels: keyValueMap(opts.label, '--label'),
      });
      ctx.out(`${res.Id}\n`);
    });
}
