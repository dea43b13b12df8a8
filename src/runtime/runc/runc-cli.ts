import { execFile } from 'node:child_process';
import { Conflict, Internal, NotFound } from '../../core/errors.js';
import type { BerthError } from '../../core/errors.js';

export interface RuncResult {
  stdout: string;
  stderr: string;
}

/**
 * runc reports failures on stderr, as logrus text (`level=error msg="..."`) or plain
 * lines; this pulls out the human part.
 */
export function runcErrorText(stderr: string): string {
  const msgs: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (m?.[1] !== undefined) msgs.push(m[1].replace(/\\(.)/g, '$1'));
    else if (line.trim()) msgs.push(line.trim());
  }
  return [...new Set(msgs)].join(': ') || 'runc failed without a message';
}

/** Maps runc's wording to Berth's errors; the message keeps runc's text for the user. */
export function runcError(verb: string, id: string, text: string, cause?: unknown): BerthError {
  const message = `runc ${verb} ${id}: ${text}`;
  if (/does not exist|not found/i.test(text)) return new NotFound(message, { cause });
  if (/not running|not paused|is paused|already paused|is not stopped|cannot (?:start|pause|resume)|already (?:running|started)/i.test(text)) {
    return new Conflict(message, { cause });
  }
  return new Internal(message, { cause });
}

/**
 * Runs `runc --root <root> <verb> [flags...] <id> [rest...]`; throws the mapped error
 * on a non-zero exit.
 */
export function runRunc(
  runcPath: string, root: string, verb: string, id: string,
  flags: readonly string[] = [], rest: readonly string[] = [], timeoutMs = 60_000,
): Promise<RuncResult> {
  const argv = ['--root', root, verb, ...flags, id, ...rest];
  return new Promise((resolve, reject) => {
    execFile(runcPath, argv, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      reject(runcError(verb, id, runcErrorText(stderr || err.message), err));
    });
  });
}
