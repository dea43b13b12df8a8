import { InvalidArgument } from './errors.js';

const NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds; throws Go's message on bad input. */
export function parseGoDuration(s: string): number {
  const bad = (): never => {
    throw new InvalidArgument(`time: invalid duration ${JSON.stringify(s)}`);
  };
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') bad();
  if (/^\d*\.?\d*$/.test(rest)) throw new InvalidArgument(`time: missing unit in duration ${JSON.stringify(s)}`);
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?([^\d.]+)/;
  while (rest !== '') {
    const m = part.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) bad();
    const [, int, frac, unit] = m!;
    const scale = NS[unit!];
    if (scale === undefined) throw new InvalidArgument(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(s)}`);
    total += Number(`${int || '0'}.${frac || '0'}`) * scale;
    rest = rest.slice(m![0].length);
  }
  return sign * total;
}

/** Go's time.Duration.String() for nanoseconds. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e3) out = `${u}ns`;
  else if (u < 1e6) out = `${trim(u / 1e3)}µs`;
  else if (u < 1e9) out = `${trim(u / 1e6)}ms`;
  else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    const s = `${trim(u / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
