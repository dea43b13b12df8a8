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
