// First pass over a Dockerfile's text: parser directives, comments, line continuations and
// heredoc bodies, giving one logical line per instruction with its line range. Follows BuildKit's
// parser.Parse: directives only before anything else, comment lines inside a continuation are
// skipped, whitespace-only continuation lines are skipped (Docker warns, we do too).

import type { Directives, Heredoc } from './ast.js';
import { lex } from './shell-lex.js';
import { LineError, parseJsonArray, splitCommand } from './line-parsers.js';

/** One instruction as text: keyword, raw `--flag` words, the rest, and an ONBUILD trigger. */
export interface LogicalLine {
  keyword: string;
  flags: string[];
  rest: string;
  /** The joined line (continuations removed), trimmed. */
  original: string;
  line: number;
  endLine: number;
  heredocs: Heredoc[];
  /** ONBUILD's trigger, split the same way. */
  trigger?: { keyword: string; flags: string[]; rest: string };
}

export interface ScanResult {
  directives: Directives;
  lines: LogicalLine[];
  /** Docker's "Empty continuation line found in: ..." warnings. */
  warnings: string[];
}

/** A failure at a line; the caller turns it into the parse error naming the file. */
export class ScanError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const CONTINUATION: Record<Directives['escape'], RegExp> = {
  // The escape token as last non-blank character continues the line, unless itself escaped.
  '\\': /([^\\])\\[ \t]*$|^\\[ \t]*$/,
  '`': /([^`])`[ \t]*$|^`[ \t]*$/,
};
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;
/** Instructions whose shell form may carry heredocs (ONBUILD through its trigger). */
const HEREDOC_INSTRUCTIONS = new Set(['run', 'copy', 'add']);

export function scanDockerfile(text: string): ScanResult {
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  if (physical.length > 0) physical[0] = physical[0]!.replace(/^\uFEFF/, '');

  const directives: Directives = { escape: '\\' };
  const seen = new Set<string>();
  let lookingForDirectives = true;
  const lines: LogicalLine[] = [];
  const warnings: string[] = [];

  let i = 0;
  while (i < physical.length) {
    const lineNo = i + 1;
    const token = trimNewline(physical[i]!).trimStart();
    i++;

    if (lookingForDirectives) {
      const d = DIRECTIVE.exec(token);
      const name = d?.[1]?.toLowerCase();
      if (!d || !name || !KNOWN_DIRECTIVES.has(name)) {
        lookingForDirectives = false;
      } else {
        if (seen.has(name)) throw new ScanError(`only one ${name} parser directive can be used`, lineNo);
        seen.add(name);
        const value = d[2]!;
        if (name === 'escape') {
          if (value !== '\\' && value !== '`') throw new ScanError(`invalid escape token '${value}' does not match \` or \\`, lineNo);
          directives.escape = value;
        } else if (name === 'syntax') directives.syntax = value;
        else directives.check = value;
      }
    }

    if (token.startsWith('#')) continue;
    let [line, ended] = trimContinuation(token, directives.escape);
    if (ended && line === '') continue;

    let endLine = lineNo;
    let emptyContinuation = false;
    while (!ended && i < physical.length) {
      const raw = trimNewline(physical[i]!);
      i++;
      endLine = i;
      if (raw.trimStart().startsWith('#')) continue;
      if (raw.trim() === '') {
        emptyContinuation = true;
        continue;
      }
      let part: string;
      [part, ended] = trimContinuation(raw, directives.escape);
      line += part;
    }
    if (emptyContinuation) warnings.push(`[WARNING]: Empty continuation line found in:\n    ${line}`);

    const logical = toLogicalLine(line, lineNo, endLine);
    if (mayHaveHeredocs(logical)) {
      let heredocs: Heredoc[];
      try {
        heredocs = heredocsOf(line);
      } catch (err) {
        throw new ScanError(err instanceof Error ? err.message : String(err), lineNo);
      }
      for (const doc of heredocs) {
        const body: string[] = [];
        let terminated = false;
        while (i < physical.length) {
          const raw = trimNewline(physical[i]!);
          i++;
          logical.endLine = i;
          if ((doc.chomp ? raw.replace(/^\t+/, '') : raw) === doc.name) {
            terminated = true;
            break;
          }
          body.push(doc.chomp ? raw.replace(/^\t+/, '') : raw);
        }
        if (!terminated) throw new ScanError('unterminated heredoc', lineNo);
        doc.content = body.length === 0 ? '' : `${body.join('\n')}\n`;
        logical.heredocs.push(doc);
      }
    }
    lines.push(logical);
  }
  if (warnings.length > 0) warnings.push('[WARNING]: Empty continuation lines will become errors in a future release.');
  return { directives, lines, warnings };
}

function toLogicalLine(line: string, lineNo: number, endLine: number): LogicalLine {
  const { keyword, flags, rest } = splitCommand(line);
  const logical: LogicalLine = { keyword, flags, rest, original: line.trim(), line: lineNo, endLine, heredocs: [] };
  if (keyword.toLowerCase() === 'onbuild' && rest !== '') logical.trigger = splitCommand(rest);
  return logical;
}

/** RUN, COPY and ADD in shell form (also as an ONBUILD trigger) may read heredocs. */
function mayHaveHeredocs(l: LogicalLine): boolean {
  const target = l.trigger ?? l;
  if (!HEREDOC_INSTRUCTIONS.has(target.keyword.toLowerCase())) return false;
  try {
    return parseJsonArray(target.rest) === undefined;
  } catch (err) {
    if (err instanceof LineError) return false; // the instruction parser reports it
    throw err;
  }
}

/** The `<<EOF` words of a line, in order (Docker looks at every word of the whole line). */
function heredocsOf(line: string): Heredoc[] {
  let words: string[];
  try {
    words = lex(line, {}, '\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }).words;
  } catch {
    return []; // an unbalanced quote: Docker finds no heredoc either
  }
  const docs: Heredoc[] = [];
  for (const word of words) {
    const doc = parseHeredocWord(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

/**
 * `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` (an fd prefix like `3<<EOF` is accepted and ignored) ->
 * a heredoc without content; undefined for any other word.
 */
export function parseHeredocWord(word: string): Heredoc | undefined {
  const m = HEREDOC_WORD.exec(word);
  if (!m || m[3] === '') return undefined;
  const rest = m[3]!;
  // Quoting any part of the delimiter turns expansion off: compare the word with and without quotes.
  const plain = lex(rest, {}, '\\', { skipUnsetEnv: true }).words;
  if (plain.length !== 1) return undefined;
  const raw = lex(rest, {}, '\\', { skipUnsetEnv: true, rawQuotes: true }).words;
  const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
  return { name: plain[0]!, content: '', expand: quotes(plain[0]!) === quotes(raw[0] ?? ''), chomp: m[2] === '-' };
}

function trimNewline(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}

function trimContinuation(line: string, escape: Directives['escape']): [string, boolean] {
  const re = CONTINUATION[escape];
  if (re.test(line)) return [line.replace(re, '$1'), false];
  return [line, true];
}
