/**
 * Columns as Docker's tabwriter lays them out (minwidth 10, padding 3, spaces):
 * every column but the last is padded to the widest cell plus 3, and at least 10. A row's
 * last cell is not padded, but an empty last cell leaves the padding of the one before it.
 */
export function renderTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const cols = Math.max(...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++) {
    const max = Math.max(...rows.map((r) => [...(r[c] ?? '')].length));
    widths.push(Math.max(max + 3, 10));
  }
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c < cols - 1 && c < r.length - 1 ? cell + ' '.repeat(widths[c]! - [...cell].length) : cell))
        .join(''),
    )
    .join('\n') + '\n';
}
