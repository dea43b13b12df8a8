import { humanDuration } from '../../core/human-duration.js';

export { humanDuration };

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/**
 * Go's `%.Ng`: N significant digits, trailing zeros dropped, and exponent form when
 * the rounded exponent is below -4 or at least N (999.999 at 3 digits is `1e+03`).
 */
export function goG(n: number, precision: number): string {
  if (n === 0) return '0';
  const [mantissa, expText] = n.toExponential(precision - 1).split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= precision) {
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(Number(n.toPrecision(precision)));
}

/** Docker's units.HumanSizeWithPrecision: decimal units, 3 significant digits (`4.26MB`). */
export function humanSize(bytes: number, precision = 3): string {
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < DECIMAL.length - 1) {
    n /= 1000;
    i++;
  }
  return `${goG(n, precision)}${DECIMAL[i]}`;
}

export function timeAgo(unixSeconds: number, now = Date.now()): string {
  return `${humanDuration(now - unixSeconds * 1000)} ago`;
}

/** Go's time.Time String() shape Docker prints for CreatedAt: `2024-01-02 15:04:05 +0000 UTC`. */
export function goTime(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`;
}
