import type { AddressAllocator, DnsService, Firewall, NetworkDriver, PortReserver } from '../../core/network.js';
import type { NetworkStore } from './network-store.js';

/** A pool user networks take their subnets from (Docker's `default-address-pools`). */
export interface AddressPool {
  base: string;
  size: number;
}

/** Everything the network use cases need; cmd/berthd.ts builds it. */
export interface NetworkDeps {
  store: NetworkStore;
  ipam: AddressAllocator;
  driver: NetworkDriver;
  firewall: Firewall;
  ports: PortReserver;
  dns: DnsService;
  /** Name of the default bridge's Linux bridge (`berth0`). */
  defaultBridge: string;
  /** The default bridge's gateway with its prefix (`10.89.0.1/16`, Docker's `bip`). */
  bip: string;
  pools: readonly AddressPool[];
  /** exec-root/netns: one namespace file per container with a network of its own. */
  sandboxDir: string;
  /** The host's resolvers (from /etc/resolv.conf), read when needed. */
  hostResolvConf(): string;
}
