import type { Health, HealthcheckResult, HealthConfig } from '../../core/wire/containers.js';

/** Docker's defaults (daemon/health.go): 30 s interval and timeout, 3 retries, 5 s start interval. */
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
export const DEFAULT_START_INTERVAL_MS = 5_000;
/** Probes kept in State.Health.Log, and output kept per probe (Docker's maxLogEntries, maxOutputLen). */
export const MAX_LOG_ENTRIES = 5;
export const MAX_OUTPUT = 4096;

/** The container's healthcheck over the image's, field by field, as Docker merges them at create. */
export function mergeHealthcheck(image: HealthConfig | null | undefined, user: HealthConfig | null | undefined): HealthConfig | undefined {
  if (!user) return image ?? undefined;
  if (!image) return user;
  const pick = (u: number | undefined, i: number | undefined) => (u ? u : i);
  const out: HealthConfig = { Test: user.Test && user.Test.length > 0 ? user.Test : image.Test };
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const v = pick(user[k], image[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** What a probe runs, or undefined when the container has no healthcheck (none, empty, or NONE). */
export function probeCommand(hc: HealthConfig | null | undefined): string[] | undefined {
  const test = hc?.Test ?? [];
  switch (test[0]) {
    case 'CMD':
      return test.length > 1 ? test.slice(1) : undefined;
    case 'CMD-SHELL':
      return test.length > 1 ? ['/bin/sh', '-c', test.slice(1).join(' ')] : undefined;
    default:
      return undefined;
  }
}

export interface ProbeTiming {
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  startIntervalMs: number;
}

export function probeTiming(hc: HealthConfig): ProbeTiming {
  const ms = (ns: number | undefined, dflt: number) => (ns && ns > 0 ? Math.round(ns / 1e6) : dflt);
  return {
    intervalMs: ms(hc.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(hc.Timeout, DEFAULT_TIMEOUT_MS),
    retries: hc.Retries && hc.Retries > 0 ? hc.Retries : DEFAULT_RETRIES,
    startPeriodMs: ms(hc.StartPeriod, 0),
    startIntervalMs: ms(hc.StartInterval, DEFAULT_START_INTERVAL_MS),
  };
}

/**
 * State.Health after one probe, as Docker's handleProbeResult: success makes it healthy; a
 * failure inside the start period does not count while it is still starting; otherwise the
 * streak grows and reaching `retries` makes it unhealthy. The log keeps the last few probes.
 */
export function afterProbe(prev: Health, result: HealthcheckResult, retries: number, inStartPeriod: boolean): Health {
  const Log = [...prev.Log, result].slice(-MAX_LOG_ENTRIES);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  if (inStartPeriod && prev.Status === 'starting') return { ...prev, Log };
  const FailingStreak = prev.FailingStreak + 1;
  return { Status: FailingStreak >= retries ? 'unhealthy' : prev.Status, FailingStreak, Log };
}

/** `docker ps`' status suffix: ` (healthy)`, ` (health: starting)`, ` (unhealthy)`. */
export function healthSuffix(h: Health | undefined): string {
  if (!h || h.Status === 'none') return '';
  return h.Status === 'starting' ? ' (health: starting)' : ` (${h.Status})`;
}
