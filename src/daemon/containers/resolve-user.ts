import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

/**
 * Reads a database file of the container (`/etc/passwd`, `/etc/group`) without
 * following symlinks, so an image cannot make berthd read a host file.
 */
async function readContainerFile(rootfs: string, rel: string): Promise<string | undefined> {
  let cur = rootfs;
  for (const part of rel.split('/').filter(Boolean)) {
    cur = join(cur, part);
    try {
      const st = await lstat(cur);
      if (st.isSymbolicLink()) return undefined;
    } catch {
      return undefined;
    }
  }
  return readFile(cur, 'utf8').catch(() => undefined);
}

function parseDb(text: string | undefined): string[][] {
  return (text ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

/** Resolves Docker's `-u` forms (`name`, `uid`, `name:group`, `uid:gid`) against the container's files. */
export async function resolveUser(rootfs: string, spec: string | undefined, groupAdd: readonly string[] = []): Promise<ResolvedUser> {
  const passwd = parseDb(await readContainerFile(rootfs, 'etc/passwd'));
  const groups = parseDb(await readContainerFile(rootfs, 'etc/group'));
  const [userPart = '', groupPart] = (spec ?? '').split(':');
  let uid = 0;
  let gid = 0;
  let home = '/';
  let name = 'root';
  if (userPart === '') {
    const root = passwd.find((p) => p[2] === '0');
    home = root?.[5] || '/root';
  } else if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((p) => Number(p[2]) === uid);
    gid = entry ? Number(entry[3]) : 0;
    home = entry?.[5] || '/';
    name = entry?.[0] ?? '';
  } else {
    const entry = passwd.find((p) => p[0] === userPart);
    if (!entry) throw new InvalidArgument(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = Number(entry[2]);
    gid = Number(entry[3]);
    home = entry[5] || '/';
    name = userPart;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((e) => e[0] === groupPart);
      if (!g) throw new InvalidArgument(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = Number(g[2]);
    }
  }
  const additionalGids = name
    ? groups.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2])).filter((g) => g !== gid)
    : [];
  // `--group-add`: numbers as they are, names from the container's group file.
  for (const extra of groupAdd) {
    const g = /^\d+$/.test(extra) ? Number(extra) : Number(groups.find((e) => e[0] === extra)?.[2] ?? NaN);
    if (Number.isNaN(g)) throw new InvalidArgument(`Unable to find group ${extra}: no matching entries in group file`);
    if (g !== gid && !additionalGids.includes(g)) additionalGids.push(g);
  }
  return { uid, gid, additionalGids, home };
}
