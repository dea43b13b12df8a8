import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { HistoryResponseItem, ImageDeleteResponseItem, ImageInspect, ImagePruneResponse, ImageSummary, JsonMessage } from '../core/wire/images.js';
import type { SystemInfo, SystemVersion } from '../core/wire/system.js';
import { Transport } from './transport.js';
import { jsonMessages } from './json-messages.js';

export type Filters = Record<string, string[]>;

function filtersParam(f?: Filters): string | undefined {
  return f && Object.keys(f).length ? JSON.stringify(f) : undefined;
}

/** Typed Docker Engine API client; the berth CLI talks to berthd only through this. */
export class EngineClient {
  readonly transport: Transport;

  constructor(host?: string) {
    this.transport = new Transport(host);
  }

  ping(): Promise<void> {
    return this.transport.empty('GET', '/_ping');
  }
  version(): Promise<SystemVersion> {
    return this.transport.json('GET', '/version');
  }
  info(): Promise<SystemInfo> {
    return this.transport.json('GET', '/info');
  }

  imageList(opts: { all?: boolean; filters?: Filters; digests?: boolean } = {}): Promise<ImageSummary[]> {
    return this.transport.json('GET', '/images/json', { query: { all: opts.all ? 1 : undefined, filters: filtersParam(opts.filters), digests: opts.digests ? 1 : undefined } });
  }
  imageInspect(name: string): Promise<ImageInspect> {
    return this.transport.json('GET', `/images/${encodeURIComponent(name)}/json`);
  }
  imageHistory(name: string): Promise<HistoryResponseItem[]> {
    return this.transport.json('GET', `/images/${encodeURIComponent(name)}/history`);
  }
  imageTag(name: string, repo: string, tag?: string): Promise<void> {
    return this.transport.empty('POST', `/images/${encodeURIComponent(name)}/tag`, { query: { repo, tag } });
  }
  imageRemove(name: string, opts: { force?: boolean; noPrune?: boolean } = {}): Promise<ImageDeleteResponseItem[]> {
    return this.transport.json('DELETE', `/images/${encodeURIComponent(name)}`, { query: { force: opts.force ? 1 : undefined, noprune: opts.noPrune ? 1 : undefined } });
  }
  imagePrune(filters?: Filters): Promise<ImagePruneResponse> {
    return this.transport.json('POST', '/images/prune', { query: { filters: filtersParam(filters) } });
  }
  async imageImport(source: Readable, opts: { repo?: string; tag?: string; changes?: string[]; message?: string; platform?: string }): Promise<AsyncGenerator<JsonMessage>> {
    const res = await this.transport.request('POST', '/images/create', {
      query: { fromSrc: '-', repo: opts.repo, tag: opts.tag, changes: opts.changes, message: opts.message, platform: opts.platform },
      body: source,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    return jsonMessages(res);
  }
  async imageLoad(source: Readable, quiet = false): Promise<AsyncGenerator<JsonMessage>> {
    const res = await this.transport.request('POST', '/images/load', {
      query: { quiet: quiet ? 1 : undefined },
      body: source,
      headers: { 'Content-Type': 'application/x-tar' },
    });
    return jsonMessages(res);
  }
  imageSave(names: string[]): Promise<IncomingMessage> {
    return this.transport.request('GET', '/images/get', { query: { names } });
  }
}
