import { readFile } from 'node:fs/promises';
import { ALL_CAPABILITIES } from './capabilities.js';

/**
 * Capability names whose bit is set in a `CapBnd:` hex mask from /proc/<pid>/status.
 * Bits the table does not name (a newer kernel) are ignored: runc could not name them either.
 */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** Parses the `CapBnd` line of a /proc/<pid>/status text. */
export function parseBoundingSet(status: string): string[] {
  const m = /^CapBnd:\s*([0-9a-f]+)$/im.exec(status);
  if (!m) throw new Error('no CapBnd line in /proc status');
  return capabilitiesFromMask(m[1]!);
}

/**
 * berthd's own bounding set. A container can never hold a capability outside it
 * (runc fails "unable to apply caps" when asked to), so privileged and `--cap-add ALL`
 * mean "everything this daemon has", as dockerd's own set bounds Docker's.
 */
export async function readBoundingSet(pid: number | 'self' = 'self'): Promise<string[]> {
  return parseBoundingSet(await readFile(`/proc/${pid}/status`, 'utf8'));
}
