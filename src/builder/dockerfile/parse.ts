// Dockerfile text -> AST (ast.ts), pure. Two passes as in Docker: scan.ts turns the text into
// logical lines (directives, comments, continuations, heredocs), instructions.ts types each line;
// here they are grouped into stages. Any problem is a DockerfileParseError naming file and line,
// raised before the build runs a single step.

import type { ArgInstruction, Dockerfile, Stage } from './ast.js';
import { buildInstruction } from './instructions.js';
import { LineError } from './line-parsers.js';
import { DockerfileParseError } from './parse-error.js';
import { ScanError, scanDockerfile } from './scan.js';

export { DockerfileParseError } from './parse-error.js';

/** The parsed file and what Docker would warn about while reading it. */
export interface ParseResult {
  dockerfile: Dockerfile;
  warnings: string[];
}

/**
 * Parses a Dockerfile. `file` is the name shown in errors (default "Dockerfile").
 * @example parseDockerfile('FROM busybox\nRUN echo hi\n').stages[0].instructions[0].kind === 'RUN'
 * @throws DockerfileParseError (an InvalidArgument) for any malformed input.
 */
export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  return parseDockerfileWithWarnings(text, file).dockerfile;
}

export function parseDockerfileWithWarnings(text: string, file = 'Dockerfile'): ParseResult {
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new DockerfileParseError(file, undefined, `the Dockerfile (${file}) cannot be empty`);

  let scanned;
  try {
    scanned = scanDockerfile(text);
  } catch (err) {
    if (err instanceof ScanError) throw new DockerfileParseError(file, err.line, err.message);
    throw err;
  }
  const { directives, lines, warnings } = scanned;
  if (lines.length === 0) {
    throw new DockerfileParseError(file, text.split('\n').length - (text.endsWith('\n') ? 1 : 0), 'file with no instructions');
  }

  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  const stageLines = new Map<string, number>();
  for (const l of lines) {
    let ins;
    try {
      ins = buildInstruction(l, file, directives.escape);
    } catch (err) {
      if (err instanceof LineError) throw new DockerfileParseError(file, l.line, err.message);
      throw err;
    }
    if (ins.kind === 'FROM') {
      if (ins.stageName !== undefined) {
        if (stageLines.has(ins.stageName)) {
          throw new DockerfileParseError(file, l.line, `duplicate stage name ${JSON.stringify(ins.stageName)}`);
        }
        stageLines.set(ins.stageName, l.line);
      }
      stages.push({ index: stages.length, ...(ins.stageName !== undefined ? { name: ins.stageName } : {}), from: ins, instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) {
      if (ins.kind === 'ARG') {
        metaArgs.push(ins);
        continue;
      }
      throw new DockerfileParseError(file, l.line, 'no build stage in current context');
    }
    current.instructions.push(ins);
  }
  if (stages.length === 0) {
    throw new DockerfileParseError(file, undefined, 'dockerfile contains no stages to build');
  }
  return { dockerfile: { directives, metaArgs, stages }, warnings };
}
