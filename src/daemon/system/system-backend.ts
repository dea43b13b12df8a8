import type { DaemonContext } from '../context.js';
import { systemInfo, type ContainerCounts } from './system-info.js';
import { systemVersion } from './system-version.js';

export function systemBackend(ctx: DaemonContext, counts: () => ContainerCounts) {
  return {
    version: () => systemVersion(),
    info: () => systemInfo(ctx, counts()),
  };
}
