const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Go's `%.Ng` for the small, already-scaled numbers sizes produce. */
function goG(n: number, precision: number): string {
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

/** Docker's units.HumanDuration: `About a minute`, `3 hours`, `2 weeks`... */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
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
