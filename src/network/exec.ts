import { spawn } from 'node:child_process';

/** A network tool failed; the message carries its stderr. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`${command}: ${stderr.trim() || `exit status ${exitCode}`}`);
    this.name = 'CommandError';
  }
}

/** Runs a tool (ip, iptables, nsenter...) to completion, feeding `input`; resolves with stdout. */
export function runTool(file: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new CommandError(`${file} ${args.join(' ')}`, err, code));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}
