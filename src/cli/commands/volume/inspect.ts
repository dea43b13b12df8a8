import type { Command } from 'commander';
import { VolumeClient } from '../../../client/volume-client.js';
import type { CliContext } from '../../context.js';
import { renderInspect } from '../../format/list-output.js';

export function registerVolumeInspect(volume: Command, ctx: CliContext): void {
  volume
    .command('inspect')
    .description('Display detailed information on one or more volumes')
    .argument('<VOLUME...>')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (names: string[], opts: { format?: string }) => {
      const client = new VolumeClient(ctx.client());
      const found: unknown[] = [];
      let failed = false;
      for (const name of names) {
        try {
          found.push(await client.inspect(name));
        } catch (err) {
          failed = true;
          ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
        }
      }
      if (found.length || !failed) ctx.out(renderInspect(found, opts.format));
      if (failed) process.exitCode = 1;
    });
}
