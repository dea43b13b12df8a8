/** What berthd persists per network (network/networks.json), Docker's names where they exist. */
export interface NetworkRecord {
  Id: string;
  Name: string;
  Created: string;
  /** `bridge` for networks with a Linux bridge; `host` and `null` for the predefined host and none. */
  Driver: 'bridge' | 'host' | 'null';
  Internal: boolean;
  Attachable: boolean;
  /** Absent for host and none. */
  Subnet?: string;
  Gateway?: string;
  /** The Linux bridge: `berth0` for the default network, `br-<12 hex of the ID>` for user networks. */
  Bridge?: string;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** bridge, host and none: made by berthd, never removed. */
  Predefined: boolean;
}

/** The default bridge network's name, as Docker calls it. */
export const DEFAULT_NETWORK = 'bridge';

/** A network whose containers resolve each other by name through berthd's DNS. */
export function isUserBridge(n: NetworkRecord): boolean {
  return n.Driver === 'bridge' && !n.Predefined;
}
