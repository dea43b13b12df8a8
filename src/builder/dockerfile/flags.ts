// Instruction flags (`--name=value`), checked as Docker's BFlags does: unknown or duplicated flags,
// bool flags with a non-boolean value and string flags without a value are errors. HEALTHCHECK's
// durations and retries are validated here too, so a bad value fails before any step runs.

import { parseGoDuration as goDuration } from '../../core/go-duration.js';
import type { Flags } from './ast.js';
import { LineError } from './line-parsers.js';

/** string: `--x=v`; bool: `--x` or `--x=true|false`; strings: repeatable `--x=v`; duration/retries: HEALTHCHECK's. */
export type FlagKind = 'string' | 'bool' | 'strings' | 'duration' | 'retries';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export interface ParsedFlags {
  flags: Flags;
  /** Every value of the repeatable flags given, in order (flags holds the last one). */
  repeated?: Readonly<Record<string, readonly string[]>>;
}

export function parseFlags(words: readonly string[], spec: FlagSpec): ParsedFlags {
  const flags: Record<string, string | undefined> = {};
  const repeated: Record<string, string[]> = {};
  for (const word of words) {
    // splitCommand only hands over words starting with "--"
    const body = word.slice(2);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new LineError(`unknown flag: ${name}`);
    if (kind !== 'strings' && Object.prototype.hasOwnProperty.call(flags, name)) throw new LineError(`duplicate flag specified: ${name}`);
    if (kind === 'bool') {
      if (value === undefined) {
        flags[name] = undefined;
        continue;
      }
      if (value === '') throw new LineError(`missing a value on flag: ${name}`);
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw new LineError(`expecting boolean value for flag ${name}, not: ${value}`);
      flags[name] = lower;
      continue;
    }
    if (value === undefined) throw new LineError(`missing a value on flag: ${name}`);
    if (kind === 'duration') checkInterval(name, value);
    if (kind === 'retries') checkRetries(value);
    flags[name] = value;
    if (kind === 'strings') (repeated[name] ??= []).push(value);
  }
  return Object.keys(repeated).length > 0 ? { flags, repeated } : { flags };
}

/** Go's time.ParseDuration, in nanoseconds; a bad value is a LineError with Go's message. */
export function parseGoDuration(s: string): number {
  try {
    return goDuration(s);
  } catch (err) {
    throw new LineError((err as Error).message);
  }
}

/** Docker's minimum for HEALTHCHECK intervals (container.MinimumDuration). */
const MINIMUM_DURATION_NS = 1e6;

function checkInterval(name: string, value: string): void {
  if (value === '') return; // empty means "default", as Docker reads it
  if (parseGoDuration(value) < MINIMUM_DURATION_NS) throw new LineError(`Interval ${JSON.stringify(name)} cannot be less than 1ms`);
}

function checkRetries(value: string): void {
  if (value === '') return;
  if (!/^[+-]?\d+$/.test(value) || Math.abs(Number(value)) > 2 ** 31 - 1) {
    throw new LineError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: ${/^[+-]?\d+$/.test(value) ? 'value out of range' : 'invalid syntax'}`);
  }
  const n = Number(value);
  if (n < 1) throw new LineError(`--retries must be at least 1 (not ${n})`);
}
