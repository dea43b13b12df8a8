import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { FailedPrecondition } from '../../core/errors.js';

/**
 * The absolute path of a program, looked up in PATH (plus the sbin directories a
 * non-login root shell may lack). conmon execs the runtime by path, so it needs this.
 */
export async function resolveExecutable(name: string, extraDirs: readonly string[] = []): Promise<string> {
  const candidates = isAbsolute(name)
    ? [name]
    : [...(process.env['PATH'] ?? '').split(delimiter), ...extraDirs, '/usr/local/sbin', '/usr/sbin', '/sbin']
        .filter(Boolean)
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return c;
    } catch {
      // try the next directory
    }
  }
  throw new FailedPrecondition(`executable not found: ${name}`);
}
