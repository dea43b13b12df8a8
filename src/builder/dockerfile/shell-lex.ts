// Docker's Dockerfile word lexer ("ShellLex"): variable substitution, quote removal and word
// splitting of instruction arguments, as BuildKit's frontend/dockerfile/shell does it (not a shell:
// no globbing, no command substitution, no arithmetic). The dispatcher calls processWord /
// processWords with the environment of the moment (ARG and ENV change it step by step).
//
// Semantics kept from Docker, because Dockerfiles in the wild rely on them:
// - Unset variables expand to ''. `$1`, `$@`, ... are names like any other (empty unless set).
// - `$` not followed by a name stays a literal `$` (`$.` -> `$.`).
// - The escape token escapes any character outside quotes (`\t` -> `t`); inside double quotes only
//   `"`, `$` and the escape token itself; nothing inside single quotes.
// - processWords splits on whitespace after substitution: a variable's value is split, a quoted
//   part is not; empty words (`""`) are dropped.

import { InvalidArgument } from '../../core/errors.js';

export type EscapeToken = '\\' | '`';
export type LexEnv = Readonly<Record<string, string>>;

/** Knobs the parser needs to find heredoc markers in a raw line (not used by the dispatcher). */
export interface LexOptions {
  /** Keep quote characters in the output (quoted parts still are not split or expanded). */
  rawQuotes?: boolean;
  /** Keep escape tokens in the output. */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written instead of expanding them to ''. */
  skipUnsetEnv?: boolean;
}

/**
 * Expands variables and removes quotes, keeping whitespace between words.
 * @example processWord('"$HOME"/bin', { HOME: '/root' }, '\\') === '/root/bin'
 */
export function processWord(raw: string, env: LexEnv, escape: EscapeToken = '\\'): string {
  return lex(raw, env, escape, {}).word;
}

/**
 * Expands variables, removes quotes and splits into words.
 * @example processWords('a "b c" $X', { X: 'd e' }, '\\') // ['a', 'b c', 'd', 'e']
 */
export function processWords(raw: string, env: LexEnv, escape: EscapeToken = '\\'): string[] {
  return lex(raw, env, escape, {}).words;
}

/** Both results of one pass, with the parser's options. */
export function lex(raw: string, env: LexEnv, escape: EscapeToken, options: LexOptions): { word: string; words: string[] } {
  const lexer = new Lexer(raw, env, escape, options);
  try {
    return lexer.run();
  } catch (err) {
    if (err instanceof LexError) throw new InvalidArgument(`failed to process ${goQuote(raw)}: ${err.message}`);
    throw err;
  }
}

/** Thrown inside the lexer; lex() wraps it with the source text as Docker does. */
class LexError extends Error {}

const EOF = '';

/** Accumulates the split words: runs of whitespace coming from unquoted text or variable values separate words. */
class WordSplitter {
  #word = '';
  #words: string[] = [];
  #inWord = false;

  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.#inWord && this.#word.length > 0) {
        this.#words.push(this.#word);
        this.#word = '';
        this.#inWord = false;
      }
    } else {
      this.addRawChar(ch);
    }
  }

  addRawChar(ch: string): void {
    this.#word += ch;
    this.#inWord = true;
  }

  /** A variable's value: split like unquoted text. */
  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  /** A quoted part: never split. */
  addRawString(s: string): void {
    this.#word += s;
    this.#inWord = true;
  }

  finish(): string[] {
    if (this.#word.length > 0) {
      this.#words.push(this.#word);
      this.#word = '';
      this.#inWord = false;
    }
    return this.#words;
  }
}

class Lexer {
  readonly #chars: string[];
  #pos = 0;

  constructor(
    source: string,
    private readonly env: LexEnv,
    private readonly escape: EscapeToken,
    private readonly options: LexOptions,
  ) {
    // Code points, not UTF-16 units, so that a name or a quoted part never splits a surrogate pair.
    this.#chars = Array.from(source);
  }

  run(): { word: string; words: string[] } {
    const r = this.#processUntil(EOF);
    return { word: r.word, words: r.words };
  }

  #peek(): string {
    return this.#chars[this.#pos] ?? EOF;
  }

  #next(): string {
    const ch = this.#chars[this.#pos] ?? EOF;
    if (ch !== EOF) this.#pos++;
    return ch;
  }

  /** Processes text until `stops` (consumed) or the end; a missing stop character is an error. */
  #processUntil(...stops: string[]): { word: string; words: string[]; stop: string } {
    let result = '';
    const words = new WordSplitter();
    while (this.#peek() !== EOF) {
      const ch = this.#peek();
      if (stops.includes(ch)) {
        this.#next();
        return { word: result, words: words.finish(), stop: ch };
      }
      if (ch === '$') {
        const value = this.#processDollar();
        result += value;
        words.addString(value);
      } else if (ch === "'") {
        const value = this.#processSingleQuote();
        result += value;
        words.addRawString(value);
      } else if (ch === '"') {
        const value = this.#processDoubleQuote();
        result += value;
        words.addRawString(value);
      } else {
        let c = this.#next();
        if (c === this.escape) {
          if (this.options.rawEscapes) {
            words.addRawChar(c);
            result += c;
          }
          c = this.#next();
          // A lone escape token at the very end is dropped.
          if (c === EOF) break;
          words.addRawChar(c);
        } else {
          words.addChar(c);
        }
        result += c;
      }
    }
    if (stops.length > 0 && !stops.includes(EOF)) {
      throw new LexError(`unexpected end of statement while looking for matching ${stops[0]}`);
    }
    return { word: result, words: words.finish(), stop: EOF };
  }

  #processSingleQuote(): string {
    // Everything up to the next ' is literal; a single quote cannot be escaped inside.
    let result = this.options.rawQuotes ? this.#next() : (this.#next(), '');
    for (;;) {
      const ch = this.#next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.options.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  #processDoubleQuote(): string {
    // Literal except $ expansions; the escape token escapes only ", $ and itself (others stay as-is).
    let result = this.options.rawQuotes ? this.#next() : (this.#next(), '');
    for (;;) {
      const ch = this.#peek();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.#next();
        if (this.options.rawQuotes) result += ch;
        return result;
      }
      if (ch === '$') {
        result += this.#processDollar();
        continue;
      }
      let c = this.#next();
      if (c === this.escape) {
        if (this.options.rawEscapes) result += c;
        const after = this.#peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.escape) c = this.#next();
      }
      result += c;
    }
  }

  #lookup(name: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.env, name) ? this.env[name] : undefined;
  }

  #processDollar(): string {
    this.#next(); // $
    if (this.#peek() !== '{') {
      const name = this.#processName();
      if (name === '') return '$';
      const value = this.#lookup(name);
      if (value === undefined && this.options.skipUnsetEnv) return `$${name}`;
      return value ?? '';
    }
    this.#next(); // {
    const first = this.#peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.#processName();
    const op = this.#next();
    const value = this.#lookup(name);
    const keep = (rest: string): string => `\${${name}${rest}}`;
    switch (op) {
      case '}':
        if (value === undefined && this.options.skipUnsetEnv) return keep('');
        return value ?? '';
      case '-':
      case '+':
      case '?': {
        // Without a colon the test is "set"; with one (below) it is "set and not empty".
        const word = this.#wordUntilBrace();
        if (value === undefined && this.options.skipUnsetEnv) return keep(op + word);
        return applyModifier(op, name, value, value !== undefined, word);
      }
      case ':': {
        const modifier = this.#next();
        const word = this.#wordUntilBrace();
        if (value === undefined && this.options.skipUnsetEnv) return keep(`:${modifier}${word}`);
        if (modifier === '-' || modifier === '+' || modifier === '?') {
          return applyModifier(modifier, name, value, value !== undefined && value !== '', word);
        }
        throw new LexError(`unsupported modifier (${modifier}) in substitution`);
      }
      case '#':
      case '%': {
        const longest = this.#peek() === op;
        if (longest) this.#next();
        const pattern = this.#wordUntilBrace();
        if (value === undefined && this.options.skipUnsetEnv) return keep((longest ? op + op : op) + pattern);
        return op === '#' ? removePrefix(value ?? '', pattern, longest) : removeSuffix(value ?? '', pattern, longest);
      }
      case '/': {
        const all = this.#peek() === '/';
        if (all) this.#next();
        const pat = this.#processUntil('/', '}');
        let replacement = '';
        if (pat.stop === '/') replacement = this.#wordUntilBrace();
        else if (pat.stop === EOF) throw new LexError("syntax error: missing '}'");
        if (value === undefined && this.options.skipUnsetEnv) {
          return keep(`${all ? '//' : '/'}${pat.word}${pat.stop === '/' ? `/${replacement}` : ''}`);
        }
        return replacePattern(value ?? '', pat.word, replacement, all);
      }
      case EOF:
        throw new LexError("syntax error: missing '}'");
      default:
        throw new LexError("missing ':' in substitution");
    }
  }

  /** The word of a `${name<op>word}` form, up to and including the closing brace. */
  #wordUntilBrace(): string {
    try {
      return this.#processUntil('}').word;
    } catch (err) {
      if (err instanceof LexError && this.#peek() === EOF) throw new LexError("syntax error: missing '}'");
      throw err;
    }
  }

  /** A variable name: letters/digits/_ , or a run of digits, or one special parameter. */
  #processName(): string {
    let name = '';
    while (this.#peek() !== EOF) {
      const ch = this.#peek();
      if (name === '' && isDigit(ch)) {
        while (this.#peek() !== EOF && isDigit(this.#peek())) name += this.#next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMS.has(ch)) return this.#next();
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += this.#next();
    }
    return name;
  }
}

const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

function applyModifier(op: string, name: string, value: string | undefined, isSet: boolean, word: string): string {
  switch (op) {
    case '-':
      return isSet ? (value ?? '') : word;
    case '+':
      return isSet ? word : '';
    default: {
      // '?': an error when the test fails, with the word as message.
      if (isSet) return value ?? '';
      const why = value === undefined ? 'is not allowed to be unset' : 'is not allowed to be empty';
      throw new LexError(`${name}: ${word !== '' ? word : why}`);
    }
  }
}

function removePrefix(value: string, pattern: string, longest: boolean): string {
  const re = globToRegExp(pattern);
  const chars = Array.from(value);
  const lengths = [...Array(chars.length + 1).keys()];
  if (longest) lengths.reverse();
  for (const n of lengths) {
    if (re.test(chars.slice(0, n).join(''))) return chars.slice(n).join('');
  }
  return value;
}

function removeSuffix(value: string, pattern: string, longest: boolean): string {
  const re = globToRegExp(pattern);
  const chars = Array.from(value);
  const starts = [...Array(chars.length + 1).keys()];
  if (!longest) starts.reverse();
  for (const s of starts) {
    if (re.test(chars.slice(s).join(''))) return chars.slice(0, s).join('');
  }
  return value;
}

/** `${v/pat/rep}` replaces the first longest match of pat, `${v//pat/rep}` every one. */
function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  if (pattern === '') return value;
  const re = globToRegExp(pattern);
  const chars = Array.from(value);
  let out = '';
  let i = 0;
  let replaced = false;
  while (i < chars.length) {
    let matched = -1;
    if (all || !replaced) {
      for (let end = chars.length; end > i; end--) {
        if (re.test(chars.slice(i, end).join(''))) {
          matched = end;
          break;
        }
      }
    }
    if (matched > i) {
      out += replacement;
      i = matched;
      replaced = true;
    } else {
      out += chars[i];
      i++;
    }
  }
  return out;
}

/** A shell pattern (`*`, `?`, `[...]`, `\x`) as an anchored RegExp. */
function globToRegExp(pattern: string): RegExp {
  const chars = Array.from(pattern);
  let re = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '*') re += '[\\s\\S]*';
    else if (ch === '?') re += '[\\s\\S]';
    else if (ch === '\\' && i + 1 < chars.length) re += escapeRegExp(chars[++i]!);
    else if (ch === '[') {
      const close = chars.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = chars.slice(i + 1, close);
      let negate = false;
      if (body[0] === '!' || body[0] === '^') {
        negate = true;
        body = body.slice(1);
      }
      re += `[${negate ? '^' : ''}${body.map((c) => (c === '\\' || c === ']' || c === '[' ? `\\${c}` : c)).join('')}]`;
      i = close;
    } else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`, 'u');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch) && ch !== '\uFEFF';
}

function isDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

/** Go's %q for the common cases (Docker quotes the source this way in lexer errors). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
