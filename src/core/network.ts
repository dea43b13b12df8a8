/**
 * Contracts between the daemon's network use cases and `network/`, which carries
 * them out with ip(8), iptables and sockets. cmd/berthd.ts wires the implementation.
 */

/** One bridge network as the host sees it. */
export interface BridgeNetwork {
  /** Linux bridge name (`berth0`, `br-<12 hex>`). */
  bridge: string;
  /** `10.89.0.0/16`. */
  subnet: string;
  /** The bridge's own address, the containers' default route. */
  gateway: string;
  /** No NAT and no route out of the network. */
  internal: boolean;
}

/** One container's interface on one network. */
export interface EndpointLink {
  /** The container's network namespace file. */
  sandbox: string;
  /** Name inside the container: eth0, eth1... */
  ifname: string;
  /** Host side of the veth pair, attached to the bridge. */
  hostIf: string;
  bridge: string;
  /** The address with its prefix length: `10.89.0.2/16`. */
  address: string;
  mac: string;
  /** Installs the default route through this gateway when set. */
  defaultGateway?: string;
  /**
   * Sends the sandbox's DNS for 127.0.0.11 (Docker's resolver address; port 53, UDP and TCP)
   * to this server, from this endpoint's address.
   */
  dnsServer?: string;
}

export type PortProto = 'tcp' | 'udp' | 'sctp';

/** A published port: host address and port forwarded to a container's address and port. */
export interface PortMapping {
  proto: PortProto;
  /** `0.0.0.0` for every host address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
  /** Bridge the container address is on (for hairpin masquerading). */
  bridge: string;
}

/** What the firewall must hold: every network berthd has and every running container's ports. */
export interface FirewallState {
  networks: readonly BridgeNetwork[];
  ports: readonly PortMapping[];
}

/** Docker's embedded resolver address inside containers on user networks. */
export const DOCKER_DNS = '127.0.0.11';

export interface NetworkDriver {
  /** Creates the bridge with its gateway address when missing and brings it up. Idempotent. */
  ensureBridge(n: BridgeNetwork): Promise<void>;
  /** Deletes the bridge. Idempotent. */
  removeBridge(bridge: string): Promise<void>;
  /** Makes a new network namespace pinned by a bind mount at `path`. Idempotent. */
  createSandbox(path: string): Promise<void>;
  /** Unmounts and removes the namespace file; the kernel drops its interfaces. Idempotent. */
  removeSandbox(path: string): Promise<void>;
  /** Namespace files found under `dir`. */
  listSandboxes(dir: string): Promise<string[]>;
  /**
   * Creates the veth pair, addresses the container side, attaches the host side to the
   * bridge. Makes the sandbox first when it is missing (as createSandbox would).
   */
  attach(link: EndpointLink): Promise<void>;
  /** Deletes the host side of a veth pair (the container side goes with it). Idempotent. */
  detach(hostIf: string): Promise<void>;
  /** Interfaces attached to `bridge`. */
  bridgePorts(bridge: string): Promise<string[]>;
  /** Names of all links on the host. */
  links(): Promise<string[]>;
  /** IPv4 destinations the host routes, as CIDRs (default route left out). */
  routes(): Promise<string[]>;
}

export interface Firewall {
  /** Replaces berthd's chains with rules for `state`, atomically per table. */
  sync(state: FirewallState): Promise<void>;
}

/** Holds host ports so no other process takes them, and reports who already has one. */
export interface PortReserver {
  /** Throws `PortInUse` when the port cannot be bound. */
  reserve(proto: PortProto, hostIp: string, hostPort: number): Promise<void>;
  release(proto: PortProto, hostIp: string, hostPort: number): Promise<void>;
  isReserved(proto: PortProto, hostIp: string, hostPort: number): boolean;
}

/** A DNS question from a container and where it came from. */
export interface DnsQuestion {
  /** Address of the asking container. */
  source: string;
  /** Lower-case, without the trailing dot. */
  name: string;
}

/** Answers names on a network; `undefined` sends the question to the host's resolvers. */
export type DnsLookup = (q: DnsQuestion) => string[] | undefined;

export interface DnsService {
  /** Starts answering on `address:53` (UDP and TCP). Idempotent. */
  listen(address: string): Promise<void>;
  /** Stops answering on `address`. Idempotent. */
  close(address: string): Promise<void>;
}

/** Addresses handed out per network, persisted so none is given twice while allocated. */
export interface AddressAllocator {
  /** The next free address of `subnet` (never the gateway), or `requested` if it is free. */
  allocate(networkId: string, subnet: string, gateway: string, owner: string, requested?: string): Promise<string>;
  release(networkId: string, address: string): Promise<void>;
  /** Releases every address `keep` rejects; returns how many went. */
  retain(keep: (networkId: string, address: string, owner: string) => boolean): Promise<number>;
  /** Forgets a network's addresses. */
  dropNetwork(networkId: string): Promise<void>;
  allocated(networkId: string): ReadonlyMap<string, string>;
}
