import type { Volume, VolumeCreateOptions, VolumeListResponse, VolumePruneResponse } from '../core/wire/volumes.js';
import type { EngineClient, Filters } from './engine-client.js';

function filtersParam(f?: Filters): string | undefined {
  return f && Object.keys(f).length ? JSON.stringify(f) : undefined;
}

/** The Engine API's /volumes endpoints over an EngineClient's transport. */
export class VolumeClient {
  readonly #client: EngineClient;

  constructor(client: EngineClient) {
    this.#client = client;
  }

  create(body: VolumeCreateOptions): Promise<Volume> {
    return this.#client.transport.json('POST', '/volumes/create', { json: body });
  }
  list(filters?: Filters): Promise<VolumeListResponse> {
    return this.#client.transport.json('GET', '/volumes', { query: { filters: filtersParam(filters) } });
  }
  inspect(name: string): Promise<Volume> {
    return this.#client.transport.json('GET', `/volumes/${encodeURIComponent(name)}`);
  }
  remove(name: string, force = false): Promise<void> {
    return this.#client.transport.empty('DELETE', `/volumes/${encodeURIComponent(name)}`, { query: { force: force ? 1 : undefined } });
  }
  prune(filters?: Filters): Promise<VolumePruneResponse> {
    return this.#client.transport.json('POST', '/volumes/prune', { query: { filters: filtersParam(filters) } });
  }
}
