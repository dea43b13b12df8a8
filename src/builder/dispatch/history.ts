/** Go's %q of a string (strconv.Quote); JSON's escaping matches it for the text Dockerfiles hold. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_m, hex: string) => `\\x${hex.slice(2)}`);
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).map(goQuote).join(' ')}]`;
}

/** Go's %v of a []string: `[a b]`. */
export function goList(list: readonly string[]): string {
  return `[${list.join(' ')}]`;
}

/** The `created_by` of a metadata step, as Docker's classic builder writes it: `/bin/sh -c #(nop)  CMD ["sh"]`. */
export function nopCreatedBy(shell: readonly string[], comment: string): string {
  return `${shell.join(' ')} #(nop)  ${comment}`;
}

/** WORKDIR, COPY and ADD use the one-argument form (a single space). */
export function nopCreatedByOneArg(shell: readonly string[], comment: string): string {
  return `${shell.join(' ')} #(nop) ${comment}`;
}

export { formatGoDuration as goDuration } from '../../core/go-duration.js';

/** Go's %q of an int: a quoted rune, `'\x03'`. */
export function goRune(n: number): string {
  if (n >= 0x20 && n < 0x7f && n !== 0x27 && n !== 0x5c) return `'${String.fromCharCode(n)}'`;
  return `'\\x${n.toString(16).padStart(2, '0')}'`;
}
