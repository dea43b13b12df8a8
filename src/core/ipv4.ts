import { InvalidArgument } from './errors.js';

/** An IPv4 network: base address and prefix length. */
export interface Cidr {
  base: number;
  prefix: number;
}

/** `10.89.0.7` → 32-bit unsigned integer; throws on anything else. */
export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new InvalidArgument(`invalid IP address: ${ip}`);
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function isIpv4(ip: string): boolean {
  try {
    ipToInt(ip);
    return true;
  } catch {
    return false;
  }
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** `10.89.0.0/16`; host bits set (`10.89.0.1/16`) are kept out of the base, as Go's ParseCIDR does. */
export function parseCidr(s: string): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s);
  if (!m || Number(m[2]) > 32) throw new InvalidArgument(`invalid CIDR address: ${s}`);
  const prefix = Number(m[2]);
  return { base: (ipToInt(m[1]!) & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.prefix}`;
}

export function contains(c: Cidr, ip: string | number): boolean {
  const n = typeof ip === 'number' ? ip : ipToInt(ip);
  return ((n & mask(c.prefix)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

/** The first host address of a subnet: Docker's default gateway. */
export function firstHost(c: Cidr): string {
  return intToIp(c.base + 1);
}

/** Usable host addresses: [first, last], network and broadcast addresses excluded. */
export function hostRange(c: Cidr): [number, number] {
  const size = 2 ** (32 - c.prefix);
  if (size <= 2) return [c.base, c.base + size - 1];
  return [c.base + 1, c.base + size - 2];
}

/** A locally administered MAC derived from the address, as Docker did before 26: 02:42:<ip bytes>. */
export function macFor(ip: string): string {
  const n = ipToInt(ip);
  return ['02', '42', ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/**
 * The `index`-th subnet of size `/size` inside `pool`, or undefined past its end:
 * how an address pool (`10.90.0.0/16` in /24 pieces) is walked.
 */
export function nthSubnet(pool: Cidr, size: number, index: number): Cidr | undefined {
  if (size < pool.prefix) return undefined;
  const count = 2 ** (size - pool.prefix);
  if (index >= count) return undefined;
  return { base: pool.base + index * 2 ** (32 - size), prefix: size };
}
