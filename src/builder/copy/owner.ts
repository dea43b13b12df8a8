import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';

export interface Owner {
  uid: number;
  gid: number;
}

async function table(rootfs: string, file: string): Promise<string[][]> {
  const text = await readFile(join(rootfs, 'etc', file), 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

/**
 * `--chown=user[:group]` as Docker's builder resolves it: names are looked up in the
 * destination rootfs' /etc/passwd and /etc/group; a user without a group takes its
 * own primary group when named, gid = uid when numeric.
 */
export async function resolveChown(rootfs: string, spec: string): Promise<Owner> {
  const [userPart, groupPart] = spec.split(':', 2) as [string, string | undefined];
  const fail = (what: string, name: string, file: string) =>
    new InvalidArgument(`unable to convert uid/gid chown string to host mapping: can't find ${what} for ${what === 'uid' ? 'user' : 'group'} ${name}: no such ${what === 'uid' ? 'user' : 'group'} ${name} in ${file}`);
  let uid: number;
  let primaryGid: number | undefined;
  if (/^\d+$/.test(userPart)) uid = Number(userPart);
  else {
    const row = (await table(rootfs, 'passwd')).find((r) => r[0] === userPart);
    if (!row) throw fail('uid', userPart, '/etc/passwd');
    uid = Number(row[2]);
    primaryGid = Number(row[3]);
  }
  let gid: number;
  if (groupPart === undefined || groupPart === '') gid = primaryGid ?? uid;
  else if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
  else {
    const row = (await table(rootfs, 'group')).find((r) => r[0] === groupPart);
    if (!row) throw fail('gid', groupPart, '/etc/group');
    gid = Number(row[2]);
  }
  return { uid, gid };
}

/** `--chmod=0755` (octal only, as Docker's classic builder and BuildKit accept). */
export function parseChmod(spec: string): number {
  if (!/^[0-7]{3,4}$/.test(spec)) throw new InvalidArgument(`invalid chmod parameter: ${spec}; only octal modes like 0755 are supported`);
  return parseInt(spec, 8);
}
