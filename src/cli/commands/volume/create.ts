import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { VolumeClient } from '../../../client/volume-client.js';
import type { CliContext } from '../../context.js';
import { collect, keyValueMap } from '../../options.js';

interface CreateOptions {
  driver: string;
  label?: string[];
  opt?: string[];
  name?: string;
}

/** `-o key=value` / `--label key[=value]` lists into a map. */
export function registerVolumeCreate(volume: Command, ctx: CliContext): void {
  volume
    .command('create')
    .description('Create a volume')
    .argument('[VOLUME]')
    .option('-d, --driver <string>', 'Specify volume driver name', 'local')
    .option('--label <list>', 'Set metadata for a volume', collect)
    .option('-o, --opt <map>', 'Set driver specific options', collect)
    .option('--name <string>', 'Specify volume name')
    .action(async (name: string | undefined, opts: CreateOptions) => {
      if (name && opts.name && name !== opts.name) {
        throw new InvalidArgumentError(`conflicting options: cannot specify a volume-name through both --name and as a positional arg`);
      }
      const vol = await new VolumeClient(ctx.client()).create({
        Name: name ?? opts.name ?? '',
        Driver: opts.driver,
        DriverOpts: keyValueMap(opts.opt, '-o, --opt', true),
        Labels: keyValueMap(opts.label, '--label'),
      });
      ctx.out(`${vol.Name}\n`);
    });
}
