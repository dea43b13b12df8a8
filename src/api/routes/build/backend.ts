import type { Readable } from 'node:stream';
import type { ProgressEvent } from '../../../core/progress.js';
import type { BuildRequest } from '../../../core/wire/build.js';

export interface BuildProgressSink {
  stream(text: string): void;
  aux(value: Record<string, unknown>): void;
  progress(event: ProgressEvent): void;
}

export interface BuildBackendApi {
  build(source: Readable, req: BuildRequest, progress: BuildProgressSink, signal: AbortSignal): Promise<{ id: string }>;
  prune(all: boolean): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }>;
}
