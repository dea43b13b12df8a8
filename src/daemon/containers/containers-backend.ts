import type { ContainerCreateBody } from '../../core/wire/containers.js';
import type { DaemonContext } from '../context.js';
import { createContainer } from './create-container.js';
import { listContainers } from './list-containers.js';
import { toInspect } from './container-views.js';
import { killUseCase, pruneContainersUseCase, removeUseCase, renameUseCase, restartUseCase, startUseCase, stopUseCase, waitUseCase } from './container-control.js';
import type { ContainerIo } from '../../core/stdio.js';
import { attachStdio, resizeContainer } from './container-attach.js';
import { attachOutput, containerLogs, type LogOptions } from './container-logs.js';

/** Binds the container use cases to one daemon context; the API's ContainersBackend is this shape. */
export function containersBackend(ctx: DaemonContext, io?: ContainerIo) {
  return {
    create: (body: ContainerCreateBody | undefined, name: string | undefined) => createContainer(ctx, body, name),
    list: (input: { all: boolean; limit?: number; size: boolean; filters?: string }) => listContainers(ctx, input),
    inspect: (ref: string) => toInspect(ctx, ctx.containers.store.get(ref)),
    start: (ref: string) => startUseCase(ctx, ref),
    stop: (ref: string, timeout?: number, signal?: string) => stopUseCase(ctx, ref, timeout, signal),
    restart: (ref: string, timeout?: number, signal?: string) => restartUseCase(ctx, ref, timeout, signal),
    kill: (ref: string, signal?: string) => killUseCase(ctx, ref, signal),
    remove: (ref: string, force: boolean, removeVolumes?: boolean) => removeUseCase(ctx, ref, force, removeVolumes),
    wait: (ref: string, condition: string | undefined, signal?: AbortSignal) => waitUseCase(ctx, ref, condition, signal),
    rename: (ref: string, name: string | undefined) => renameUseCase(ctx, ref, name),
    prune: () => pruneContainersUseCase(ctx),
    isTty: (ref: string) => ctx.containers.store.get(ref).Config.Tty ?? false,
    logs: (ref: string, opts: LogOptions) => containerLogs(ctx, ref, opts),
    attachOutput: (ref: string, opts: { stdout: boolean; stderr: boolean; signal?: AbortSignal }) => attachOutput(ctx, ref, opts),
    hasStdin: (ref: string) => io !== undefined && (ctx.containers.store.get(ref).Config.OpenStdin ?? false),
    attachStdio: io ? (ref: string, signal?: AbortSignal) => attachStdio(ctx, io, ref, signal) : undefined,
    resize: io ? (ref: string, h: number, w: number) => resizeContainer(ctx, io, ref, h, w) : undefined,
  };
}
