// How Docker splits the text after an instruction keyword, per instruction family (BuildKit's
// parser/line_parsers.go and split_command.go). Words stay raw: quotes and escapes are kept for
// the dispatcher's ShellLex, except in `--flag` values and JSON, which Docker decodes here.

import type { EscapeToken } from './shell-lex.js';

/** Thrown by the line parsers; the caller adds file and line. */
export class LineError extends Error {}

/** Docker's `[\t\v\f\r ]+` (no newline: continuations are already joined). */
const WHITESPACE_RUN = /[\t\v\f\r ]+/;

/**
 * Splits `KEYWORD --flag=x --flag2 rest` into its keyword, the leading `--` words (quotes and
 * backslash escapes removed, as Docker does for flags) and the trimmed rest. A bare `--` ends the
 * flags and is dropped.
 */
export function splitCommand(line: string): { keyword: string; flags: string[]; rest: string } {
  const trimmed = line.trim();
  const m = WHITESPACE_RUN.exec(trimmed);
  if (!m) return { keyword: trimmed, flags: [], rest: '' };
  const keyword = trimmed.slice(0, m.index);
  const { flags, rest } = extractFlags(trimmed.slice(m.index + m[0].length));
  return { keyword, flags, rest: rest.trim() };
}

function extractFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let word = '';
  let blankOk = false;
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  for (let pos = 0; pos <= line.length; pos++) {
    let ch = pos < line.length ? line[pos]! : '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (!(ch === '-' && line[pos + 1] === '-')) return { flags, rest: line.slice(pos) };
      phase = 'word';
    }
    if (pos === line.length) {
      if (word !== '--' && (blankOk || word.length > 0)) flags.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        if (word === '--') return { flags, rest: line.slice(pos) };
        if (blankOk || word.length > 0) flags.push(word);
        phase = 'spaces';
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
        continue;
      }
      if (ch === '\\') {
        if (pos + 1 === line.length) continue;
        ch = line[++pos]!;
      }
      word += ch;
      continue;
    }
    // in a quote
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === '\\') {
      if (pos + 1 === line.length) {
        phase = 'word';
        continue;
      }
      ch = line[++pos]!;
    }
    word += ch;
  }
  return { flags, rest: '' };
}

/**
 * The JSON (exec) form: an array of strings. undefined when the text is not a JSON array at all
 * (the instruction then takes its shell form, as Docker does); an error when it is an array
 * with something other than strings in it.
 */
export function parseJsonArray(rest: string): string[] | undefined {
  const text = rest.trimStart();
  if (!text.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((v): v is string => typeof v === 'string')) {
    throw new LineError('when using JSON array syntax, arrays must be comprised of strings only');
  }
  return value;
}

/** Whitespace-separated words, nothing unquoted (FROM, EXPOSE, COPY/ADD shell form, VOLUME). */
export function splitWhitespace(rest: string): string[] {
  return rest === '' ? [] : rest.split(WHITESPACE_RUN).filter((w) => w !== '');
}

/**
 * Quote-aware words with quotes and escapes kept (ARG, ENV, LABEL): `a="b c" d` -> [`a="b c"`, `d`].
 * The escape token keeps the next character in the word, even a quote; inside single quotes it is literal.
 */
export function parseWords(rest: string, escape: EscapeToken): string[] {
  const words: string[] = [];
  const chars = Array.from(rest);
  let word = '';
  let blankOk = false;
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos < chars.length ? chars[pos]! : '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOk || word.length > 0) words.push(word);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        if (blankOk || word.length > 0) words.push(word);
        phase = 'spaces';
        word = '';
        blankOk = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOk = true;
        phase = 'quote';
      }
      if (ch === escape) {
        if (pos + 1 === chars.length) continue;
        word += ch;
        ch = chars[++pos]!;
      }
      word += ch;
      continue;
    }
    // in a quote: the closing quote returns to the word; the escape token works except in '...'
    if (ch === quote) phase = 'word';
    if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      word += ch;
      ch = chars[++pos]!;
    }
    word += ch;
  }
  return words;
}

/**
 * ENV and LABEL: `key=value ...` pairs, or the legacy `KEY name value` form when the first word
 * has no `=` (the value is then the rest of the line, raw).
 */
export function parseNameValues(rest: string, keyword: string, escape: EscapeToken): Array<[string, string]> {
  const words = parseWords(rest, escape);
  if (words.length === 0) return [];
  if (!words[0]!.includes('=')) {
    const m = WHITESPACE_RUN.exec(rest);
    if (!m) throw new LineError(`${keyword} must have two arguments`);
    return [[rest.slice(0, m.index), rest.slice(m.index + m[0].length)]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) throw new LineError(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

export function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch) && ch !== '\uFEFF';
}
