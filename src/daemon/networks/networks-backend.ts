import type { DaemonContext } from '../context.js';
import { connectNetwork, disconnectNetwork } from './connect-network.js';
import { createNetwork } from './create-network.js';
import { listNetworks, toNetworkInspect } from './network-views.js';
import { pruneNetworks, removeNetwork } from './remove-network.js';
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from '../../core/wire/networks.js';

/** Binds the network use cases to one daemon context; the API's NetworksBackend is this shape. */
export function networksBackend(ctx: DaemonContext) {
  return {
    list: (filters: string | undefined) => listNetworks(ctx, filters),
    inspect: (ref: string) => toNetworkInspect(ctx, ctx.networks.store.get(ref)),
    create: (req: NetworkCreateRequest | undefined) => createNetwork(ctx, req),
    remove: (ref: string) => removeNetwork(ctx, ref),
    prune: (filters: string | undefined) => pruneNetworks(ctx, filters),
    connect: (ref: string, req: NetworkConnectRequest | undefined) => connectNetwork(ctx, ref, req),
    disconnect: (ref: string, req: NetworkDisconnectRequest | undefined) => disconnectNetwork(ctx, ref, req),
  };
}
