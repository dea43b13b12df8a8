import type { Readable } from 'node:stream';
import type { JsonMessage } from '../core/wire/images.js';
import type { EngineClient } from './engine-client.js';
import { rawJsonMessages } from './json-messages.js';

/** POST /build query options, as the docker CLI's ImageBuildOptions sends them. */
export interface ImageBuildOptions {
  tags?: string[];
  dockerfile?: string;
  buildArgs?: Record<string, string | null>;
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  cacheFrom?: string[];
  networkMode?: string;
  quiet?: boolean;
  rm?: boolean;
  forceRm?: boolean;
  platform?: string;
}

/** Streams a context tar (plain or gzip) to POST /build; yields the build's JSON messages. */
export async function imageBuild(client: EngineClient, context: Readable, opts: ImageBuildOptions): Promise<AsyncGenerator<JsonMessage>> {
  const json = (v: object | undefined) => (v && Object.keys(v).length > 0 ? JSON.stringify(v) : undefined);
  const res = await client.transport.request('POST', '/build', {
    query: {
      t: opts.tags?.length ? opts.tags : undefined,
      dockerfile: opts.dockerfile,
      buildargs: json(opts.buildArgs),
      labels: json(opts.labels),
      target: opts.target,
      nocache: opts.noCache ? 1 : undefined,
      pull: opts.pull ? 1 : undefined,
      cachefrom: opts.cacheFrom?.length ? JSON.stringify(opts.cacheFrom) : undefined,
      networkmode: opts.networkMode,
      q: opts.quiet ? 1 : undefined,
      rm: opts.rm === false ? 0 : 1,
      forcerm: opts.forceRm ? 1 : undefined,
      platform: opts.platform,
    },
    body: context,
    headers: { 'Content-Type': 'application/x-tar' },
  });
  return rawJsonMessages(res);
}

/** POST /build/prune. */
export function buildPrune(client: EngineClient, all: boolean): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }> {
  return client.transport.json('POST', '/build/prune', { query: { all: all ? 1 : undefined } });
}
