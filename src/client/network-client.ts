import type {
  EndpointSettings,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkInspect,
  NetworkPruneResponse,
} from '../core/wire/networks.js';
import type { Filters } from './engine-client.js';
import type { Transport } from './transport.js';

function filtersParam(f?: Filters): string | undefined {
  return f && Object.keys(f).length ? JSON.stringify(f) : undefined;
}

/** The /networks endpoints of the Engine API. */
export class NetworkClient {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  list(filters?: Filters): Promise<NetworkInspect[]> {
    return this.#t.json('GET', '/networks', { query: { filters: filtersParam(filters) } });
  }
  inspect(ref: string): Promise<NetworkInspect> {
    return this.#t.json('GET', `/networks/${encodeURIComponent(ref)}`);
  }
  create(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    return this.#t.json('POST', '/networks/create', { json: req });
  }
  remove(ref: string): Promise<void> {
    return this.#t.empty('DELETE', `/networks/${encodeURIComponent(ref)}`);
  }
  prune(filters?: Filters): Promise<NetworkPruneResponse> {
    return this.#t.json('POST', '/networks/prune', { query: { filters: filtersParam(filters) } });
  }
  connect(ref: string, container: string, endpoint?: EndpointSettings): Promise<void> {
    return this.#t.empty('POST', `/networks/${encodeURIComponent(ref)}/connect`, { json: { Container: container, EndpointConfig: endpoint ?? null } });
  }
  disconnect(ref: string, container: string, force = false): Promise<void> {
    return this.#t.empty('POST', `/networks/${encodeURIComponent(ref)}/disconnect`, { json: { Container: container, Force: force } });
  }
}
