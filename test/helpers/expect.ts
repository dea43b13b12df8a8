import assert from 'node:assert/strict';
import type { CmdResult } from './berthd.js';

/** Asserts a command exited 0; the failure message names the step and carries its output. */
export function expectOk(r: CmdResult, what: string): void {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`);
}

/** The non-empty lines of a command's output. */
export function lines(s: string): string[] {
  return s.split('\n').filter(Boolean);
}

/** Awaits a command, asserts it exited 0 (its stderr as the message) and gives its stdout. */
export async function stdoutOf(r: Promise<CmdResult>): Promise<string> {
  const res = await r;
  assert.equal(res.code, 0, res.stderr);
  return res.stdout;
}
