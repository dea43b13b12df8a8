import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

/**
 * Host-side tar for `berth cp`: packs a host path under a chosen entry name, and
 * extracts what a container sent into a host directory. Entry names are cleaned and
 * must stay inside the destination; nothing is written through a symlink. Ownership
 * is kept only when running as root, as Docker's CLI does.
 */

/** Packs `src` with its entries named `name` and `name/...`; an empty name packs a directory's contents. */
export function packHostPath(src: string, name: string): Readable {
  const pack = tar.pack();
  const out = new PassThrough();
  const inodes = new Map<string, string>();
  const add = (header: Partial<tar.Header> & { name: string }, body?: Readable) =>
    new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if (!body) {
        pack.entry(header, Buffer.alloc(0), done);
        return;
      }
      const entry = pack.entry(header, done);
      body.on('error', reject).pipe(entry);
    });
  const walk = async (abs: string, entryName: string): Promise<void> => {
    const st = await lstat(abs);
    const base = { name: entryName, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    if (st.isDirectory()) {
      if (entryName !== '') await add({ ...base, name: `${entryName}/`, type: 'directory' });
      for (const child of (await readdir(abs)).sort()) await walk(join(abs, child), entryName === '' ? child : `${entryName}/${child}`);
    } else if (st.isSymbolicLink()) {
      await add({ ...base, type: 'symlink', linkname: await readlink(abs) });
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? inodes.get(key) : undefined;
      if (first !== undefined) return add({ ...base, type: 'link', linkname: first });
      if (st.nlink > 1) inodes.set(key, entryName);
      await add({ ...base, type: 'file', size: st.size }, createReadStream(abs));
    }
    // Devices, fifos and sockets are left out: a CLI copy has no use for them.
  };
  walk(src, name).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  pipeline(pack, out).catch((err: unknown) => out.destroy(err as Error));
  return out;
}

function clean(name: string): string {
  const c = posix.normalize(name).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (name.startsWith('/') || c === '..' || c.startsWith('../')) throw new Error(`refusing tar entry "${name}": path escapes the destination`);
  return c === '.' ? '' : c;
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  return lstat(p).catch(() => null);
}

/** Every parent of `rel` under `root` must be a real directory, never a symlink. */
async function checkParents(root: string, rel: string): Promise<void> {
  const parts = rel.split('/');
  let p = root;
  for (const part of parts.slice(0, -1)) {
    p = join(p, part);
    const st = await lstatOrNull(p);
    if (st === null) await mkdir(p, { mode: 0o755 });
    else if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`refusing to write below "${p}": not a directory`);
  }
}

/**
 * Extracts `source` into the directory `dir`, renaming the first element `from` of each
 * entry to `to` (Docker's RebaseArchiveEntries) when `from` is given.
 */
export async function extractToHost(source: Readable, dir: string, rebase?: { from: string; to: string }): Promise<void> {
  const extract = tar.extract();
  const asRoot = process.getuid?.() === 0;
  const dirTimes: Array<[string, Date]> = [];
  // Like Docker's: the entry's first element (`x`, `x/...`, or `.` for a directory's contents) is replaced.
  const rename = (n: string) => {
    if (!rebase) return n;
    return n === rebase.from || n.startsWith(`${rebase.from}/`) ? rebase.to + n.slice(rebase.from.length) : n;
  };
  const feeding = pipeline(source, extract);
  feeding.catch(() => undefined);
  for await (const entry of extract) {
    const h = entry.header;
    const body = entry as unknown as AsyncIterable<Buffer> & Readable;
    try {
      const rel = clean(rename(h.name));
      // The destination directory itself exists already; its own metadata is left alone.
      if (rel === '') continue;
      const abs = join(dir, rel);
      await checkParents(dir, rel);
      const existing = await lstatOrNull(abs);
      if (h.type === 'directory') {
        if (existing && !existing.isDirectory()) await rm(abs, { recursive: true, force: true });
        if (!existing || !existing.isDirectory()) await mkdir(abs, { mode: 0o755 });
        await chmod(abs, (h.mode ?? 0o755) & 0o7777);
        dirTimes.push([abs, h.mtime ?? new Date()]);
      } else {
        if (existing) await rm(abs, { recursive: true, force: true });
        if (h.type === 'file' || h.type === 'contiguous-file') {
          await pipeline(body, createWriteStream(abs, { flags: 'wx', mode: 0o600 }));
          await chmod(abs, (h.mode ?? 0o644) & 0o7777);
        } else if (h.type === 'symlink') {
          await symlink(h.linkname ?? '', abs);
        } else if (h.type === 'link') {
          const target = clean(rename(h.linkname ?? ''));
          await link(join(dir, target), abs);
        } else {
          continue;
        }
      }
      if (asRoot) await lchown(abs, h.uid ?? 0, h.gid ?? 0);
      if (h.type !== 'directory') await lutimes(abs, h.mtime ?? new Date(), h.mtime ?? new Date());
    } finally {
      for await (const _ of body);
    }
  }
  await feeding;
  for (const [abs, t] of dirTimes.reverse()) await lutimes(abs, t, t);
}
