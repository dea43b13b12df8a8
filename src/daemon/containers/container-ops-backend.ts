import type { DaemonContext } from '../context.js';
import { pauseUseCase, unpauseUseCase } from './pause.js';
import { topUseCase } from './top.js';
import { containerStats, type StatsOptions } from './stats.js';
import { updateUseCase, type ContainerUpdateBody } from './update.js';

/** Binds the container operations (pause, top, stats, update) to one daemon context; the API's ContainerOpsBackend is this shape. */
export function containerOpsBackend(ctx: DaemonContext) {
  return {
    pause: (ref: string) => pauseUseCase(ctx, ref),
    unpause: (ref: string) => unpauseUseCase(ctx, ref),
    top: (ref: string, psArgs: string | undefined) => topUseCase(ctx, ref, psArgs),
    stats: (ref: string, opts: StatsOptions) => containerStats(ctx, ref, opts),
    update: (ref: string, body: ContainerUpdateBody | undefined) => updateUseCase(ctx, ref, body),
  };
}
