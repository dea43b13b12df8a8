import type { Command } from 'commander';
import type { SystemDiskUsage } from '../../../core/wire/system.js';
import type { CliContext } from '../../context.js';
import { renderList } from '../../format/list-output.js';
import { humanSize } from '../../format/units.js';

export interface DiskUsageRow {
  Type: string;
  TotalCount: string;
  Active: string;
  Size: string;
  Reclaimable: string;
}

const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable, 4)} (${Math.trunc((reclaimable / total) * 100)}%)` : humanSize(reclaimable, 4);
}

/** `docker system df`'s four rows, with its arithmetic: what is reclaimable is what nothing uses. */
export function diskUsageRows(du: SystemDiskUsage): DiskUsageRow[] {
  const images = du.Images ?? [];
  const layers = du.LayersSize ?? 0;
  const imagesUsed = images.filter((i) => i.Containers > 0).reduce((n, i) => n + i.Size - Math.max(i.SharedSize, 0), 0);
  const containers = du.Containers ?? [];
  const ctrSize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const ctrIdle = containers.filter((c) => c.State !== 'running').reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const volumes = du.Volumes ?? [];
  const volSize = volumes.reduce((n, v) => n + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const volIdle = volumes.filter((v) => (v.UsageData?.RefCount ?? 0) === 0).reduce((n, v) => n + Math.max(v.UsageData?.Size ?? 0, 0), 0);
  const cache = du.BuildCache ?? [];
  const cacheSize = cache.reduce((n, b) => n + b.Size, 0);
  const cacheIdle = cache.filter((b) => !b.InUse && !b.Shared).reduce((n, b) => n + b.Size, 0);
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize(layers, 4), Reclaimable: withPercent(Math.max(layers - imagesUsed, 0), layers) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => c.State === 'running').length), Size: humanSize(ctrSize, 4), Reclaimable: withPercent(ctrIdle, ctrSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(volSize, 4), Reclaimable: withPercent(volIdle, volSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((b) => b.InUse).length), Size: humanSize(cacheSize, 4), Reclaimable: humanSize(cacheIdle, 4) },
  ];
}

export function registerSystemDf(system: Command, ctx: CliContext): void {
  system
    .command('df')
    .description('Show docker disk usage')
    .option('--format <string>', 'Format output using a custom template')
    .action(async (opts: { format?: string }) => {
      const rows = diskUsageRows(await ctx.client().diskUsage());
      ctx.out(renderList(rows, { defaultTable: '{{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', headers: HEADERS }, opts.format));
    });
}
