import type { Readable } from 'node:stream';
import type { DaemonContext } from '../context.js';
import { containerChanges } from './container-changes.js';
import { commitContainer, type CommitInput } from './commit-container.js';
import { exportContainer } from './export-container.js';
import { archiveContainerPath, extractToContainer, statContainerPath } from './container-archive.js';

/** Binds diff, commit, export and cp to one daemon context; the API's ContainerFsBackend is this shape. */
export function containerFsBackend(ctx: DaemonContext) {
  return {
    changes: (ref: string) => containerChanges(ctx, ref),
    commit: (input: CommitInput) => commitContainer(ctx, input),
    export: (ref: string) => exportContainer(ctx, ref),
    statPath: (ref: string, path: string) => statContainerPath(ctx, ref, path),
    archive: (ref: string, path: string) => archiveContainerPath(ctx, ref, path),
    extract: (ref: string, path: string, source: Readable, opts: { signal?: AbortSignal }) => extractToContainer(ctx, ref, path, source, opts),
  };
}
