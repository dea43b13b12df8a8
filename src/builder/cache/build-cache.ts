import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../util/atomic.js';
import { KeyedMutex } from '../../util/mutex.js';

/** What one step of one build depended on: kept to explain the next build's cache misses. */
export interface StepInputs {
  /** The step as keyed: its history `created_by` (build args and COPY source hashes included). */
  instruction: string;
  /** The image the step ran on ('' for scratch). */
  parent: string;
  /** The stage's FROM as written and the image it resolved to. */
  base?: { ref: string; id: string };
  /** Build args the step saw (name -> value). */
  args: Record<string, string>;
  /** COPY/ADD from the context: source path -> content hash. */
  files?: Record<string, string>;
  /** COPY --from: the stage or image the files came from, and its image ID. */
  source?: { name: string; id: string };
}

interface CacheFile {
  version: 1;
  /** sha256(parent, created_by) -> image the step produced. */
  steps: Record<string, string>;
  /** "<tag>|<dockerfile>|<stage>|<step>" -> inputs of the last build of that step. */
  last: Record<string, StepInputs>;
}

/**
 * The builder's cache index, one JSON file under <data-root>/builder, rewritten
 * atomically (a crash keeps the old or the new index). A hit still has to name an
 * image that exists: the caller checks, since images can be removed behind its back.
 */
export class BuildCache {
  readonly #path: string;
  #data: CacheFile;
  readonly #lock = new KeyedMutex();

  private constructor(path: string, data: CacheFile) {
    this.#path = path;
    this.#data = data;
  }

  static async open(dir: string): Promise<BuildCache> {
    const path = join(dir, 'cache.json');
    let data: CacheFile = { version: 1, steps: {}, last: {} };
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as CacheFile;
      if (parsed.version === 1) data = parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
    }
    return new BuildCache(path, data);
  }

  static stepKey(parent: string, createdBy: string): string {
    return createHash('sha256').update(`${parent}\n${createdBy}`).digest('hex');
  }

  lookup(parent: string, createdBy: string): string | undefined {
    return this.#data.steps[BuildCache.stepKey(parent, createdBy)];
  }

  record(parent: string, createdBy: string, image: string): void {
    this.#data.steps[BuildCache.stepKey(parent, createdBy)] = image;
  }

  previous(location: string): StepInputs | undefined {
    return this.#data.last[location];
  }

  remember(location: string, inputs: StepInputs): void {
    this.#data.last[location] = inputs;
  }

  /** Forgets entries whose image no longer exists (`builder prune`, or after `rmi`). */
  /** Returns the keys of the entries it dropped. */
  prune(exists: (id: string) => boolean, all = false): string[] {
    const dropped: string[] = [];
    for (const [k, v] of Object.entries(this.#data.steps)) {
      if (all || !exists(v)) {
        delete this.#data.steps[k];
        dropped.push(k);
      }
    }
    if (all) this.#data.last = {};
    return dropped;
  }

  async save(): Promise<void> {
    await this.#lock.run('save', () => writeJsonAtomic(this.#path, this.#data));
  }
}
