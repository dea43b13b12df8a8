/** Berth's own version, and the Engine API range berthd serves. */
export const BERTH_VERSION = '0.1.0';
export const API_VERSION = '1.47';
export const MIN_API_VERSION = '1.24';

/** `1.47` -> 1.47 as a comparable number (minor versions stay below 100). */
export function apiVersionNumber(v: string): number {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) return NaN;
  return Number(m[1]) + Number(m[2]) / 100;
}
