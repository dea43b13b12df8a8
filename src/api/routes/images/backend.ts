import type { Readable } from 'node:stream';
import type { ProgressSink } from '../../../core/progress.js';
import type { AuthConfig } from '../../../core/wire/registry-auth.js';
import type { HistoryResponseItem, ImageDeleteResponseItem, ImageInspect, ImagePruneResponse, ImageSummary } from '../../../core/wire/images.js';

export interface ImagesBackend {
  list(input: { all: boolean; filters?: string; apiVersion: number }): Promise<ImageSummary[]>;
  inspect(name: string, apiVersion: number): Promise<ImageInspect>;
  history(name: string): Promise<HistoryResponseItem[]>;
  tag(name: string, repo: string | undefined, tag: string | undefined): Promise<void>;
  remove(name: string, force: boolean, noPrune: boolean): Promise<ImageDeleteResponseItem[]>;
  prune(filters: string | undefined): Promise<ImagePruneResponse>;
  import(source: Readable, input: { repo?: string; tag?: string; changes: string[]; message?: string; platform?: string; signal?: AbortSignal }): Promise<{ id: string }>;
  load(source: Readable, signal?: AbortSignal): Promise<Array<{ id: string; tags: string[] }>>;
  save(names: string[]): Readable;
  pull(input: { fromImage: string; tag?: string; platform?: string; auth: AuthConfig; signal?: AbortSignal; progress: ProgressSink }): Promise<void>;
  push(input: { name: string; tag?: string; auth: AuthConfig; signal?: AbortSignal; progress: ProgressSink }): Promise<void>;
}
