import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { VolumeClient } from '../../../client/volume-client.js';
import type { CliContext } from '../../context.js';
import { collect } from '../../options.js';

interface CreateOptions {
  driver: string;
  label?: string[];
  opt?: string[];
  name?: string;
}

/** `-o key=value` / `--label key[=value]` lists into a map. */
export function keyValueMap(list: string[] | undefined, flag: string, requireValue: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=');
    if (eq === 0 || (requireValue && eq < 0)) throw new InvalidArgumentError(`invalid argument "${kv}" for "${flag}" flag: invalid key value pair format: ${kv}`);
    if (eq < 0) out[kv] = '';
    else out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

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
        Labels: keyValueMap(opts.label, '--label', false),
      });
      ctx.out(`${vol.Name}\n`);
    });
}
