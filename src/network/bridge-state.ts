/** What `ip -j -4 addr show dev <bridge>` says about a bridge: whether it is up and its IPv4 addresses. */
export interface BridgeState {
  up: boolean;
  /** `10.89.0.1/16` form. */
  addresses: string[];
}

interface IpAddrJson {
  ifname?: string;
  flags?: string[];
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

/** Parses ip(8)'s JSON for one device; throws when the output is not that JSON. */
export function parseBridgeState(json: string): BridgeState {
  const list = JSON.parse(json) as IpAddrJson[];
  if (!Array.isArray(list) || list.length !== 1) throw new Error(`unexpected ip -j addr output: ${json.trim().slice(0, 200)}`);
  const dev = list[0]!;
  return {
    up: (dev.flags ?? []).includes('UP'),
    addresses: (dev.addr_info ?? []).filter((a) => a.family === 'inet' && a.local).map((a) => `${a.local}/${a.prefixlen}`),
  };
}

/** The ip(8) batch lines that bring a bridge from `have` (undefined: missing) to up with `address`. */
export function bridgeFixes(bridge: string, address: string, have: BridgeState | undefined): string[] {
  const lines: string[] = [];
  if (!have) lines.push(`link add ${bridge} type bridge`);
  if (!have?.addresses.includes(address)) lines.push(`addr add ${address} dev ${bridge}`);
  if (!have?.up) lines.push(`link set ${bridge} up`);
  return lines;
}

/** IFF_UP in /sys/class/net/<dev>/flags (hex). */
export function flagsSayUp(flags: string): boolean {
  return (Number.parseInt(flags.trim(), 16) & 0x1) === 1;
}
