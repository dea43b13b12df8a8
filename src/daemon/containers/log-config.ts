import { InvalidArgument } from '../../core/errors.js';

/**
 * Berth has one log driver: conmon's k8s-file log, rotated by berthd (see
 * runtime/logs/rotation.ts). It is reported as "json-file", Docker's default,
 * because it is that driver to clients: the same options (max-size, max-file),
 * readable by `logs`. "local" and "k8s-file" are accepted as the same thing;
 * "none" keeps the log for attach but refuses `logs`, as Docker does.
 */
export const DEFAULT_LOG_DRIVER = 'json-file';
const SAME_DRIVER = new Set(['json-file', 'local', 'k8s-file']);
const KNOWN_OPTS = new Set(['max-size', 'max-file', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag', 'mode', 'max-buffer-size']);

/** Bounded by default, unlike Docker: 3 files of 10 MiB per container. */
export const BUILTIN_MAX_SIZE = 10 * 1024 * 1024;
export const BUILTIN_MAX_FILES = 3;

export interface LogLimits {
  /** Bytes per file; 0 for unlimited (`max-size=-1`). */
  maxSize: number;
  maxFiles: number;
}

/** Docker's `units.RAMInBytes`: `10m`, `512k`, `1g`, `1.5mb`, binary multiples. */
export function parseLogSize(value: string): number {
  const m = /^(-?\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgument(`invalid size: '${value}'`);
  const mult = 1024 ** ' kmgtp'.indexOf(m[2]!.toLowerCase() || ' ');
  return Math.floor(Number(m[1]) * mult);
}

/**
 * HostConfig.LogConfig as it is stored at create: the default driver filled in and
 * the daemon's `log-opts` merged under the container's own (moby
 * `mergeAndVerifyLogConfig`), then checked.
 */
export function resolveLogConfig(
  given: { Type?: string; Config?: Record<string, string> } | undefined,
  daemonOpts: Readonly<Record<string, string>>,
): { Type: string; Config: Record<string, string> } {
  const type = given?.Type || DEFAULT_LOG_DRIVER;
  const config: Record<string, string> = { ...(given?.Config ?? {}) };
  if (type === DEFAULT_LOG_DRIVER) for (const [k, v] of Object.entries(daemonOpts)) config[k] ??= v;
  if (type !== 'none' && !SAME_DRIVER.has(type)) throw new InvalidArgument(`logger: no log driver named '${type}' is registered`);
  for (const key of Object.keys(config)) {
    if (type === 'none' || !KNOWN_OPTS.has(key)) throw new InvalidArgument(`unknown log opt '${key}' for ${type} log driver`);
  }
  logLimits(config);
  return { Type: type, Config: config };
}

/** The rotation limits of a stored LogConfig: Docker's rules, with Berth's bounded defaults when no size is set. */
export function logLimits(config: Readonly<Record<string, string>> | undefined): LogLimits {
  const size = config?.['max-size'];
  const files = config?.['max-file'];
  const maxSize = size === undefined ? BUILTIN_MAX_SIZE : parseLogSize(size);
  if (size !== undefined && maxSize === 0) throw new InvalidArgument('max-size must be a positive number or -1');
  let maxFiles = size === undefined ? BUILTIN_MAX_FILES : 1;
  if (files !== undefined) {
    if (!/^-?\d+$/.test(files)) throw new InvalidArgument(`invalid value for max-file: ${files}`);
    maxFiles = Number(files);
    if (maxFiles < 1) throw new InvalidArgument('max-file cannot be less than 1');
    if (maxSize < 0 && maxFiles > 1) throw new InvalidArgument('max-file can only be used with max-size');
  }
  return { maxSize: Math.max(0, maxSize), maxFiles };
}
