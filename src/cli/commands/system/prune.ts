import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { buildPrune } from '../../../client/build.js';
import { NetworkClient } from '../../../client/network-client.js';
import { VolumeClient } from '../../../client/volume-client.js';
import type { CliContext } from '../../context.js';
import { humanSize } from '../../format/units.js';
import { collect, filtersFrom } from '../../options.js';
import { deletedImagesReport } from '../image/prune.js';

interface PruneFlags {
  all?: boolean;
  filter?: string[];
  force?: boolean;
  volumes?: boolean;
}

/** Docker's warning: what `system prune` with these flags removes. */
function warning(f: PruneFlags): string {
  const items = [
    'all stopped containers',
    'all networks not used by at least one container',
    ...(f.volumes ? ['all anonymous volumes not used by at least one container'] : []),
    f.all ? 'all images without at least one container associated to them' : 'all dangling images',
    f.all ? 'all build cache' : 'unused build cache',
  ];
  return `WARNING! This will remove:\n${items.map((i) => `  - ${i}\n`).join('')}`;
}

/**
 * `system prune`: the prunes of containers, networks, volumes (with --volumes), images and
 * build cache, in Docker's order (containers first frees what the others hold), one report.
 */
export function registerSystemPrune(system: Command, ctx: CliContext): void {
  system
    .command('prune')
    .description('Remove unused data')
    .option('-a, --all', 'Remove all unused images not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "label=<key>=<value>")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--volumes', 'Prune anonymous volumes')
    .action(async (f: PruneFlags) => {
      if (!f.force) {
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(`${warning(f)}\nAre you sure you want to continue? [y/N] `);
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) return;
      }
      const client = ctx.client();
      const filters = filtersFrom(f.filter);
      let reclaimed = 0;
      const containers = await client.containerPrune();
      reclaimed += containers.SpaceReclaimed;
      if (containers.ContainersDeleted?.length) ctx.out(`Deleted Containers:\n${containers.ContainersDeleted.join('\n')}\n\n`);
      const networks = await new NetworkClient(client.transport).prune(filters);
      if (networks.NetworksDeleted?.length) ctx.out(`Deleted Networks:\n${networks.NetworksDeleted.join('\n')}\n\n`);
      if (f.volumes) {
        const volumes = await new VolumeClient(client).prune(filters);
        reclaimed += volumes.SpaceReclaimed;
        if (volumes.VolumesDeleted?.length) ctx.out(`Deleted Volumes:\n${volumes.VolumesDeleted.join('\n')}\n\n`);
      }
      const images = await client.imagePrune({ ...filters, dangling: [f.all ? 'false' : 'true'] });
      reclaimed += images.SpaceReclaimed;
      ctx.out(deletedImagesReport(images.ImagesDeleted));
      const cache = await buildPrune(client, f.all ?? false);
      reclaimed += cache.SpaceReclaimed;
      if (cache.CachesDeleted?.length) ctx.out(`Deleted build cache objects:\n${cache.CachesDeleted.join('\n')}\n\n`);
      ctx.out(`Total reclaimed space: ${humanSize(reclaimed)}\n`);
    });
}
