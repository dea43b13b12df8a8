import type { BuildCacheRecord } from '../../core/wire/system.js';
import type { DaemonContext } from '../context.js';
import { systemDiskUsage } from './disk-usage.js';
import { systemInfo, type ContainerCounts } from './system-info.js';
import { systemVersion } from './system-version.js';

export function systemBackend(ctx: DaemonContext, counts: () => ContainerCounts, buildCache: () => Promise<BuildCacheRecord[]>) {
  return {
    version: () => systemVersion(),
    info: () => systemInfo(ctx, counts()),
    diskUsage: (input: { types: string[]; apiVersion: number }) => systemDiskUsage(ctx, { ...input, buildCache }),
  };
}
