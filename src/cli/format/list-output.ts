import { renderTable } from './table.js';
import { compileTemplate } from './template.js';

export interface ListFormat {
  /** The default `table` columns. */
  defaultTable: string;
  /** Field name -> column header (`ID` -> `IMAGE ID`). */
  headers: Record<string, string>;
}

/**
 * Renders rows the way Docker's `--format` does: absent or `table` gives the
 * default table, `table <tmpl>` a table of the template's fields with their
 * headers, `json` one JSON object per line, anything else the template per row.
 */
export function renderList(rows: readonly object[], spec: ListFormat, format?: string, quietField?: string, quiet?: boolean): string {
  if (quiet && quietField) return rows.map((r) => `${String((r as Record<string, unknown>)[quietField])}\n`).join('');
  const f = format?.trim() ? format : 'table';
  if (f === 'json') return rows.map((r) => JSON.stringify(r) + '\n').join('');
  if (f === 'table' || f.startsWith('table ')) {
    const tmpl = f === 'table' ? spec.defaultTable : f.slice(6);
    const header = tmpl.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_m, field: string) => spec.headers[field] ?? field.toUpperCase());
    const compiled = compileTemplate(tmpl);
    const lines = [compileTemplate(header).execute({}), ...rows.map((r) => compiled.execute(r))];
    return renderTable(lines.map((l) => l.split('\t')));
  }
  const compiled = compileTemplate(f);
  return rows.map((r) => compiled.execute(r) + '\n').join('');
}

/** Docker's `docker inspect --format` / default pretty JSON array. */
export function renderInspect(items: readonly unknown[], format?: string): string {
  if (!format) return JSON.stringify(items, null, 4) + '\n';
  if (format === 'json') return items.map((i) => JSON.stringify(i)).join('\n') + '\n';
  const compiled = compileTemplate(format);
  return items.map((i) => compiled.execute(i) + '\n').join('');
}
