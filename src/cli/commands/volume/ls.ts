import type { Command } from 'commander';
import type { Volume } from '../../../core/wire/volumes.js';
import { VolumeClient } from '../../../client/volume-client.js';
import type { CliContext } from '../../context.js';
import { collect, filtersFrom } from '../../options.js';
import { renderList } from '../../format/list-output.js';

const HEADERS = { Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' };

/** The fields `docker volume ls --format` offers, with its `N/A` for what only `system df` knows. */
function row(v: Volume) {
  return {
    Availability: 'N/A',
    Driver: v.Driver,
    Group: 'N/A',
    Labels: Object.entries(v.Labels ?? {}).map(([k, val]) => `${k}=${val}`).join(','),
    Links: v.UsageData ? String(v.UsageData.RefCount) : 'N/A',
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Scope: v.Scope,
    Size: 'N/A',
    Status: 'N/A',
  };
}

export function registerVolumeLs(volume: Command, ctx: CliContext): void {
  volume
    .command('ls')
    .alias('list')
    .description('List volumes')
    .option('-f, --filter <filter>', "Provide filter values (e.g. 'dangling=true')", collect)
    .option('--format <string>', 'Format output using a custom template')
    .option('-q, --quiet', 'Only display volume names')
    .action(async (opts: { filter?: string[]; format?: string; quiet?: boolean }) => {
      const res = await new VolumeClient(ctx.client()).list(filtersFrom(opts.filter));
      for (const w of res.Warnings ?? []) ctx.err(`${w}\n`);
      const rows = [...res.Volumes].sort((a, b) => a.Name.localeCompare(b.Name)).map(row);
      ctx.out(renderList(rows, { defaultTable: '{{.Driver}}\t{{.Name}}', headers: HEADERS }, opts.format, 'Name', opts.quiet));
    });
}
