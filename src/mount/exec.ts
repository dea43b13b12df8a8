import { spawn } from 'node:child_process';
import { Internal } from '../core/errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a host tool to completion. A non-zero exit is returned, not thrown, so callers
 * decide what failure means (e.g. umount of something not mounted is fine). The C locale
 * keeps messages stable for error reports.
 */
export function runCommand(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => reject(new Internal(`cannot run ${cmd}: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr: stderr.trim() }));
  });
}
