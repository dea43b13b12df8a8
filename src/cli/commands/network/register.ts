import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { registerNetworkConnect } from './connect.js';
import { registerNetworkCreate } from './create.js';
import { registerNetworkInspect } from './inspect.js';
import { registerNetworkLs } from './ls.js';
import { registerNetworkPrune } from './prune.js';
import { registerNetworkRm } from './rm.js';

/** The `network` command group. */
export function registerNetworkCommands(program: Command, ctx: CliContext): Command {
  const network = program.command('network').description('Manage networks').exitOverride();
  registerNetworkCreate(network, ctx);
  registerNetworkLs(network, ctx);
  registerNetworkInspect(network, ctx);
  registerNetworkRm(network, ctx);
  registerNetworkPrune(network, ctx);
  registerNetworkConnect(network, ctx);
  return network;
}
