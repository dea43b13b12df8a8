import type {
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkInspect,
  NetworkPruneResponse,
} from '../../../core/wire/networks.js';

export interface NetworksBackend {
  list(filters: string | undefined): NetworkInspect[];
  inspect(ref: string): NetworkInspect;
  create(req: NetworkCreateRequest | undefined): Promise<NetworkCreateResponse>;
  remove(ref: string): Promise<void>;
  prune(filters: string | undefined): Promise<NetworkPruneResponse>;
  connect(ref: string, req: NetworkConnectRequest | undefined): Promise<void>;
  disconnect(ref: string, req: NetworkDisconnectRequest | undefined): Promise<void>;
}
