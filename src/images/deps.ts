import type { ContentStore } from '../core/content.js';
import type { Snapshotter } from '../core/snapshots.js';
import type { Logger } from '../util/logger.js';
import type { ImageStore } from './image-store.js';

/** What image operations need; built once in cmd/ and passed down. */
export interface ImageDeps {
  content: ContentStore;
  snapshots: Snapshotter;
  store: ImageStore;
  logger: Logger;
}
