import { InvalidArgument } from '../../core/errors.js';
import type { OciRlimit } from './oci-types.js';

export interface Ulimit {
  /** Docker's name: `nofile`, `nproc`, `core`, ... */
  name: string;
  /** -1 means unlimited, as in `docker run --ulimit core=-1`. */
  soft: number;
  hard: number;
}

/** Hard limits of the process that will ask runc for rlimits, by `RLIMIT_*` type. */
export type RlimitCeilings = Partial<Record<string, number>>;

const NAMES: Record<string, string> = {
  core: 'RLIMIT_CORE', cpu: 'RLIMIT_CPU', data: 'RLIMIT_DATA', fsize: 'RLIMIT_FSIZE', locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK', msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC', rss: 'RLIMIT_RSS', rtprio: 'RLIMIT_RTPRIO', rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING', stack: 'RLIMIT_STACK', as: 'RLIMIT_AS',
};

/**
 * JSON numbers cannot carry RLIM_INFINITY (2^64-1) exactly, and runc rejects the
 * rounded value; 2^53-1 is past every real limit, so it stands for "unlimited".
 */
export const RLIM_UNLIMITED = Number.MAX_SAFE_INTEGER;

export function rlimitType(name: string): string {
  const t = NAMES[name.toLowerCase()];
  if (!t) throw new InvalidArgument(`invalid ulimit type: ${name}`);
  return t;
}

/**
 * Maps `--ulimit` values to OCI rlimits, clamped to `ceilings`: without
 * CAP_SYS_RESOURCE, runc (running as our child) cannot raise a hard limit above its own.
 */
export function toRlimits(ulimits: readonly Ulimit[], ceilings: RlimitCeilings = {}): OciRlimit[] {
  const byType = new Map<string, OciRlimit>();
  for (const u of ulimits) {
    const type = rlimitType(u.name);
    const wanted = (v: number) => (v < 0 ? RLIM_UNLIMITED : v);
    let hard = wanted(u.hard);
    let soft = wanted(u.soft);
    if (soft > hard) throw new InvalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
    const ceiling = ceilings[type];
    if (ceiling !== undefined) {
      hard = Math.min(hard, ceiling);
      soft = Math.min(soft, hard);
    }
    byType.set(type, { type, soft, hard });
  }
  return [...byType.values()];
}
