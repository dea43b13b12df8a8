import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { credentialKey, HUB_KEY, removeCredentials } from '../../registry/credentials.js';

export function registerLogout(program: Command, ctx: CliContext): void {
  program
    .command('logout')
    .description('Log out from a registry')
    .argument('[SERVER]')
    .action(async (server: string | undefined) => {
      const key = server ? credentialKey(server) : HUB_KEY;
      if (await removeCredentials(key)) ctx.out(`Removing login credentials for ${key}\n`);
      else ctx.out(`Not logged in to ${key}\n`);
    });
}
