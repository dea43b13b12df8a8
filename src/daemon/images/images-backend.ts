import type { DaemonContext } from '../context.js';
import { listImages } from './list-images.js';
import { inspectImage } from './inspect-image.js';
import { historyOfImage } from './image-history.js';
import { tagImage } from './tag-image.js';
import { removeImageUseCase } from './remove-image.js';
import { pruneImages } from './prune-images.js';
import { importImageUseCase } from './import-image.js';
import { loadImagesUseCase } from './load-images.js';
import { saveImagesUseCase } from './save-images.js';
import { pullImageUseCase, type PullInput } from './pull-image.js';
import { pushImageUseCase, type PushInput } from './push-image.js';

/** Binds the image use cases to one daemon context; the API's ImagesBackend is this shape. */
export function imagesBackend(ctx: DaemonContext) {
  return {
    list: (input: { all: boolean; filters?: string; apiVersion: number }) => listImages(ctx, input),
    inspect: (name: string, apiVersion: number) => inspectImage(ctx, name, apiVersion),
    history: (name: string) => historyOfImage(ctx, name),
    tag: (name: string, repo: string | undefined, tag: string | undefined) => tagImage(ctx, name, repo, tag),
    remove: (name: string, force: boolean, noPrune: boolean) => removeImageUseCase(ctx, name, force, noPrune),
    prune: (filters: string | undefined) => pruneImages(ctx, filters),
    import: (source: import('node:stream').Readable, input: Parameters<typeof importImageUseCase>[2]) => importImageUseCase(ctx, source, input),
    load: (source: import('node:stream').Readable, signal?: AbortSignal) => loadImagesUseCase(ctx, source, signal),
    save: (names: string[]) => saveImagesUseCase(ctx, names),
    pull: (input: PullInput) => pullImageUseCase(ctx, input),
    push: (input: PushInput) => pushImageUseCase(ctx, input),
  };
}
