import type { Server } from 'node:http';
import { chmod, chown, mkdir, rm, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';

async function groupId(name: string): Promise<number | undefined> {
  try {
    const text = await readFile('/etc/group', 'utf8');
    const line = text.split('\n').find((l) => l.split(':')[0] === name);
    return line ? Number(line.split(':')[2]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Listens on `unix:///path`: mode 0660 and group `berth` when it exists, so only
 * root and the group's members reach the daemon, as Docker does with `docker`.
 */
export async function listenOn(server: Server, host: string): Promise<string> {
  const m = /^unix:\/\/(\/.+)$/.exec(host);
  if (!m) {
    if (host.startsWith('tcp://')) throw new InvalidArgument(`listening on ${host} needs TLS, which berthd does not serve yet; use a unix socket`);
    throw new InvalidArgument(`invalid host: ${host} (expected unix:///path/to/socket)`);
  }
  const path = m[1]!;
  await mkdir(dirname(path), { recursive: true });
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(path, 0o660);
  const gid = await groupId('berth');
  if (gid !== undefined) await chown(path, 0, gid);
  return path;
}
