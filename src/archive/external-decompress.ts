import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { InvalidArgument, NotImplemented } from '../core/errors.js';

/**
 * Compressions beyond what zlib reads (plain and gzip), for ADD's archives and zstd layers:
 * Node has no bzip2, xz or zstd decoder, so these stream through the host's own tools,
 * as Docker's archive package does for xz (`xz -d -c -q`).
 */
export interface ExternalFormat {
  name: 'bzip2' | 'xz' | 'zstd';
  magic: Buffer;
  command: [string, ...string[]];
}

const FORMATS: ExternalFormat[] = [
  { name: 'bzip2', magic: Buffer.from('BZh', 'latin1'), command: ['bzip2', '-d', '-c', '-q'] },
  { name: 'xz', magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), command: ['xz', '-d', '-c', '-q'] },
  { name: 'zstd', magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), command: ['zstd', '-d', '-c', '-q'] },
];

/** The format the first bytes of a file announce, when it is one of those. */
export function externalFormat(head: Buffer): ExternalFormat | undefined {
  return FORMATS.find((f) => head.length >= f.magic.length && head.subarray(0, f.magic.length).equals(f.magic));
}

/**
 * `source` decompressed by the format's tool, streamed (never held in memory). The result
 * ends only once the tool exited 0; a non-zero exit fails it with the tool's message, and
 * destroying it kills the tool and destroys `source`.
 */
export function decompressExternal(source: Readable, format: ExternalFormat): Readable {
  const [cmd, ...args] = format.command;
  const out = new PassThrough();
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString('utf8');
  });
  // The tool may stop reading first (bad data, or we killed it): that is reported by its exit.
  child.stdin.on('error', () => undefined);
  source.on('error', (err) => out.destroy(err));
  source.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  child.once('error', (err: NodeJS.ErrnoException) => {
    out.destroy(
      err.code === 'ENOENT'
        ? new NotImplemented(`cannot unpack a ${format.name} archive: the ${cmd} program is not installed on the daemon's host`)
        : err,
    );
  });
  child.once('close', (code, signal) => {
    if (out.destroyed) return;
    if (code === 0) out.end();
    else out.destroy(new InvalidArgument(`invalid ${format.name} data: ${stderr.trim() || `${cmd} exited with ${code ?? signal}`}`));
  });
  out.once('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!source.readableEnded) source.destroy();
  });
  return out;
}
