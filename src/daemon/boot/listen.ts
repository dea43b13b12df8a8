import type { Server } from 'node:http';
import { chmod, chown, mkdir, readFile, rename, rm } from 'node:fs/promises';
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
  // Bind a temporary name, set mode and group, then rename into place: no client ever sees the
  // socket before its permissions are final (no window with the umask's mode or root's group).
  const staging = `${path}.${process.pid}.tmp`;
  await rm(staging, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(staging, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(staging, 0o660);
  const gid = await groupId('berth');
  if (gid !== undefined) await chown(staging, 0, gid);
  await rename(staging, path);
  return path;
}
