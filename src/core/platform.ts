import type { Platform } from './descriptor.js';
import { InvalidArgument } from './errors.js';

/** The platform Berth runs images for; the only one this engine can execute. */
export const HOST_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm' };

/**
 * Parses `os[/arch[/variant]]` (`linux/amd64`, `linux/arm64/v8`) as containerd's
 * platforms.Parse does for the common cases, normalising architecture aliases.
 * @throws InvalidArgument(`invalid platform: …`)
 */
export function parsePlatform(s: string): Platform {
  const parts = s.trim().toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/.test(p))) {
    throw new InvalidArgument(`"${s}": unknown operating system or architecture: invalid argument`);
  }
  const [os, arch, variant] = parts as [string, string | undefined, string | undefined];
  return normalizePlatform({ os, architecture: arch ?? HOST_PLATFORM.architecture, ...(variant ? { variant } : {}) });
}

/** Drops default variants (`arm64/v8`, `amd64/v1`) so equal platforms compare equal. */
export function normalizePlatform(p: Platform): Platform {
  const architecture = ARCH_ALIASES[p.architecture] ?? p.architecture;
  let variant = p.variant;
  if ((architecture === 'arm64' && variant === 'v8') || (architecture === 'amd64' && variant === 'v1')) variant = undefined;
  return { os: p.os, architecture, ...(variant ? { variant } : {}) };
}

/** `linux/arm64/v8` style, as Docker prints platforms in errors. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** True when `have` can serve `want`; a want without variant accepts any variant of its architecture. */
export function platformMatches(want: Platform, have: Platform): boolean {
  const w = normalizePlatform(want);
  const h = normalizePlatform(have);
  if (w.os !== h.os || w.architecture !== h.architecture) return false;
  return w.variant === undefined || w.variant === h.variant;
}
