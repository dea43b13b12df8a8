import { InvalidArgument } from '../../core/errors.js';

/** Every capability Linux 6.x knows, in kernel order (capability.h). */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** Docker's default set (moby `oci/caps/defaults.go`). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

const KNOWN = new Set(ALL_CAPABILITIES);

/** `net_admin`, `NET_ADMIN` and `CAP_NET_ADMIN` all name CAP_NET_ADMIN; `all` stays `ALL`. */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL' || upper === 'CAP_ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!KNOWN.has(full)) throw new InvalidArgument(`unknown capability: "${name}"`);
  return full;
}

/**
 * The capability set of a container, following moby `caps.TweakCapabilities`:
 * privileged gets everything; `ALL` in capAdd gives everything but the drops;
 * `ALL` in capDrop gives only the adds; otherwise defaults minus drops plus adds
 * (so an add beats a drop of the same capability, as in Docker).
 *
 * `ceiling` is the daemon's own bounding set: what lies outside it cannot be granted
 * (runc would fail), so every set is cut down to it, defaults included.
 */
export function containerCapabilities(
  capAdd: readonly string[],
  capDrop: readonly string[],
  privileged: boolean,
  ceiling: readonly string[] = ALL_CAPABILITIES,
): string[] {
  const allowed = new Set(ceiling);
  const within = (set: ReadonlySet<string>) => ALL_CAPABILITIES.filter((c) => set.has(c) && allowed.has(c));
  if (privileged) return within(allowed);
  const adds = new Set(capAdd.map(normalizeCapability));
  const drops = new Set(capDrop.map(normalizeCapability));
  if (adds.has('ALL')) return within(new Set(ALL_CAPABILITIES.filter((c) => !drops.has(c))));
  if (drops.has('ALL')) return within(adds);
  return within(new Set([...DEFAULT_CAPABILITIES.filter((c) => !drops.has(c)), ...adds]));
}
