// Second pass: one logical line -> one typed instruction, with Docker's argument checks and error
// wordings (BuildKit's instructions/parse.go). Words stay raw for the dispatcher (see ast.ts).

import type {
  CommandLine, CopyInstruction, Heredoc, Instruction, SourceLocation,
} from './ast.js';
import type { EscapeToken } from './shell-lex.js';
import type { LogicalLine } from './scan.js';
import { parseHeredocWord } from './scan.js';
import { LineError, parseJsonArray, parseNameValues, parseWords, splitWhitespace } from './line-parsers.js';
import { parseRunMount } from './run-mount.js';
import { parseFlags, type FlagSpec } from './flags.js';

const HEALTHCHECK_FLAGS: FlagSpec = {
  interval: 'duration', timeout: 'duration', 'start-period': 'duration', 'start-interval': 'duration', retries: 'retries',
};

/** The flags each instruction accepts (BuildKit's stable Dockerfile syntax); any other is an error. */
const FLAG_SPECS: Record<string, FlagSpec> = {
  from: { platform: 'string' },
  run: { mount: 'strings', network: 'string', security: 'string' },
  copy: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'strings' },
  add: {
    chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string',
    exclude: 'strings', parents: 'bool', unpack: 'bool',
  },
  healthcheck: HEALTHCHECK_FLAGS,
};

export const INSTRUCTION_NAMES = new Set([
  'from', 'run', 'cmd', 'entrypoint', 'env', 'label', 'maintainer', 'arg', 'workdir', 'user', 'expose',
  'volume', 'stopsignal', 'shell', 'copy', 'add', 'healthcheck', 'onbuild',
]);

/** What an instruction is made of before typing: the logical line, or an ONBUILD trigger of it. */
interface Parts {
  keyword: string;
  flags: string[];
  rest: string;
  original: string;
  heredocs: Heredoc[];
  loc: SourceLocation;
}

/** Builds the typed instruction of one logical line; throws LineError with Docker's wording. */
export function buildInstruction(l: LogicalLine, file: string, escape: EscapeToken): Instruction {
  const loc: SourceLocation = { file, line: l.line, endLine: l.endLine };
  return build({ keyword: l.keyword, flags: l.flags, rest: l.rest, original: l.original, heredocs: l.heredocs, loc }, l, escape);
}

function build(p: Parts, l: LogicalLine, escape: EscapeToken): Instruction {
  const cmd = p.keyword.toLowerCase();
  if (!INSTRUCTION_NAMES.has(cmd)) throw new LineError(`unknown instruction: ${p.keyword.toUpperCase()}`);
  const parsed = parseFlags(p.flags, FLAG_SPECS[cmd] ?? {});
  const base = { loc: p.loc, original: p.original, flags: parsed.flags, ...(parsed.repeated ? { repeatedFlags: parsed.repeated } : {}) };
  const json = isJsonCommand(cmd) ? parseJsonArray(p.rest) : undefined;
  const command = (): CommandLine => (json ? { form: 'exec', args: json } : { form: 'shell', script: p.rest });

  switch (cmd) {
    case 'from': {
      const args = splitWhitespace(p.rest);
      let stageName: string | undefined;
      if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
        stageName = args[2]!.toLowerCase();
        if (!/^[a-z][a-z0-9-_.]*$/.test(stageName)) {
          throw new LineError(`invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`);
        }
      } else if (args.length !== 1) {
        throw new LineError('FROM requires either one or three arguments');
      }
      const platform = parsed.flags['platform'];
      return { ...base, kind: 'FROM', image: args[0]!, ...(stageName ? { stageName } : {}), ...(platform !== undefined ? { platform } : {}) };
    }
    case 'run':
      checkMounts(parsed.repeated?.['mount'] ?? []);
      return { ...base, kind: 'RUN', command: command(), heredocs: p.heredocs };
    case 'cmd':
      return { ...base, kind: 'CMD', command: command() };
    case 'entrypoint':
      return { ...base, kind: 'ENTRYPOINT', command: command() };
    case 'env':
    case 'label': {
      const keyword = cmd.toUpperCase();
      const pairs = parseNameValues(p.rest, keyword, escape);
      if (pairs.length === 0) throw new LineError(`${keyword} requires at least one argument`);
      if (pairs.some(([k]) => k === '')) throw new LineError(`${keyword} names can not be blank`);
      return cmd === 'env' ? { ...base, kind: 'ENV', pairs } : { ...base, kind: 'LABEL', pairs };
    }
    case 'maintainer':
      return { ...base, kind: 'MAINTAINER', name: exactlyOne(p.rest, 'MAINTAINER') };
    case 'arg': {
      const words = parseWords(p.rest, escape);
      if (words.length === 0) throw new LineError('ARG requires at least one argument');
      const args = words.map((w) => {
        const eq = w.indexOf('=');
        if (eq < 0) return { name: w };
        if (eq === 0) throw new LineError('ARG names can not be blank');
        return { name: w.slice(0, eq), defaultValue: w.slice(eq + 1) };
      });
      return { ...base, kind: 'ARG', args };
    }
    case 'workdir':
      return { ...base, kind: 'WORKDIR', path: exactlyOne(p.rest, 'WORKDIR') };
    case 'user':
      return { ...base, kind: 'USER', user: exactlyOne(p.rest, 'USER') };
    case 'stopsignal':
      return { ...base, kind: 'STOPSIGNAL', signal: exactlyOne(p.rest, 'STOPSIGNAL') };
    case 'expose': {
      const ports = splitWhitespace(p.rest);
      if (ports.length === 0) throw new LineError('EXPOSE requires at least one argument');
      return { ...base, kind: 'EXPOSE', ports };
    }
    case 'volume': {
      const list = json ?? splitWhitespace(p.rest);
      if (list.length === 0) throw new LineError('VOLUME requires at least one argument');
      const paths = list.map((v) => v.trim());
      if (paths.some((v) => v === '')) throw new LineError('VOLUME specified can not be an empty string');
      return { ...base, kind: 'VOLUME', paths };
    }
    case 'shell': {
      if (json) {
        if (json.length === 0) throw new LineError('SHELL requires at least one argument');
        return { ...base, kind: 'SHELL', shell: json };
      }
      if (p.rest === '') throw new LineError('SHELL requires at least one argument');
      throw new LineError('SHELL requires the arguments to be in JSON form');
    }
    case 'copy':
    case 'add':
      return copyLike(cmd === 'copy' ? 'COPY' : 'ADD', base, p, json);
    case 'healthcheck':
      return healthcheck(base, p);
    case 'onbuild':
      return onbuild(base, p, l, escape);
  }
  throw new LineError(`unknown instruction: ${p.keyword.toUpperCase()}`);
}

/** Instructions whose arguments may be a JSON array. */
function isJsonCommand(cmd: string): boolean {
  return ['run', 'cmd', 'entrypoint', 'shell', 'volume', 'copy', 'add'].includes(cmd);
}

function exactlyOne(rest: string, keyword: string): string {
  // Docker takes the whole rest as the one argument (`USER a b` is the user "a b").
  if (rest === '') throw new LineError(`${keyword} requires exactly one argument`);
  return rest;
}

type BaseFields = Pick<CopyInstruction, 'loc' | 'original' | 'flags' | 'repeatedFlags'>;

function copyLike(kind: 'COPY' | 'ADD', base: BaseFields, p: Parts, json: string[] | undefined): CopyInstruction {
  const args = json ?? splitWhitespace(p.rest);
  if (args.length < 2) {
    throw new LineError(`${kind} requires at least two arguments, but only one was provided. Destination could not be determined`);
  }
  const dest = args[args.length - 1]!;
  if (parseHeredocWord(dest)) throw new LineError(`${kind} cannot accept a heredoc as a destination`);
  // In the shell form `<<EOF` words name heredocs (files named after the delimiter), not paths.
  const sources = args.slice(0, -1).filter((w) => json !== undefined || !parseHeredocWord(w));
  return { ...base, kind, sources, dest, heredocs: json ? [] : p.heredocs };
}

function healthcheck(base: BaseFields, p: Parts): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(p.rest);
  if (!m) throw new LineError('HEALTHCHECK requires at least one argument');
  const type = m[1]!.toUpperCase();
  const rest = m[2]!;
  if (type === 'NONE') {
    if (rest !== '') throw new LineError('HEALTHCHECK NONE takes no arguments');
    return { ...base, kind: 'HEALTHCHECK' };
  }
  if (type !== 'CMD') throw new LineError(`Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`);
  const json = parseJsonArray(rest);
  if (json ? json.length === 0 : rest === '') throw new LineError('Missing command after HEALTHCHECK CMD');
  return { ...base, kind: 'HEALTHCHECK', test: json ? { form: 'exec', args: json } : { form: 'shell', script: rest } };
}

function onbuild(base: BaseFields, p: Parts, l: LogicalLine, escape: EscapeToken): Instruction {
  const t = l.trigger;
  if (!t || p.rest === '') throw new LineError('ONBUILD requires at least one argument');
  const triggerName = t.keyword.toUpperCase();
  if (triggerName === 'ONBUILD') throw new LineError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (triggerName === 'FROM' || triggerName === 'MAINTAINER') throw new LineError(`${triggerName} isn't allowed as an ONBUILD trigger`);
  const text = p.original.replace(/^\s*ONBUILD\s*/i, '');
  const trigger = build({ keyword: t.keyword, flags: t.flags, rest: t.rest, original: text, heredocs: p.heredocs, loc: p.loc }, l, escape);
  // What the image config stores: the trigger text, with heredoc bodies re-attached.
  let expression = text;
  for (const doc of p.heredocs) expression += `\n${doc.content}${doc.name}`;
  return { ...base, kind: 'ONBUILD', trigger, expression };
}

/**
 * A `--mount` that cannot work fails with the file, before any step runs; one with variables
 * is checked again, expanded, when its step comes.
 */
function checkMounts(mounts: readonly string[]): void {
  for (const m of mounts) {
    if (m.includes('$')) continue;
    try {
      parseRunMount(m);
    } catch (err) {
      throw new LineError((err as Error).message);
    }
  }
}
