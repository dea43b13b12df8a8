import type { Command } from 'commander';
import { VolumeClient } from '../../../client/volume-client.js';
import type { CliContext } from '../../context.js';

export function registerVolumeRm(volume: Command, ctx: CliContext): void {
  volume
    .command('rm')
    .alias('remove')
    .description('Remove one or more volumes')
    .argument('<VOLUME...>')
    .option('-f, --force', 'Force the removal of one or more volumes')
    .action(async (names: string[], opts: { force?: boolean }) => {
      const client = new VolumeClient(ctx.client());
      for (const name of names) {
        try {
          await client.remove(name, opts.force ?? false);
          ctx.out(`${name}\n`);
        } catch (err) {
          ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
          process.exitCode = 1;
        }
      }
    });
}
