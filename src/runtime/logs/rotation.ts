import { link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Rotation of a container's k8s-file log with old files kept (Docker's max-file),
 * on top of conmon 2.1.6, which only knows truncation: when a write would pass
 * `--log-size-max` (and on SIGUSR1) conmon opens `<log>.tmp` with O_TRUNC|O_CREAT
 * and renames it over `<log>`, dropping the old file.
 *
 * The files live in `<dir>/logs/<seq>.log`, numbered oldest first. `container.log`
 * (the path conmon writes) is a hard link to the newest generation, and the next
 * generation is staged ahead of time as a hard link named `container.log.tmp`:
 * conmon's rotation then opens our empty staged file and renames it into place, so
 * the generation it leaves behind is still reachable under its number. After each
 * rotation `rearm` stages the next file and deletes generations beyond `maxFiles`.
 *
 * Invariants: every generation up to the current one is complete and no larger than
 * conmon's limit; only the staged file (empty) sits above the current one. If berthd
 * is down across several rotations, conmon creates its own unlinked `.tmp` files and
 * those generations are lost (truncation, as plain conmon): bounded either way.
 */
export const CURRENT_LOG = 'container.log';
const STAGED = 'container.log.tmp';
const GENERATIONS = 'logs';

export interface LogGeneration {
  seq: number;
  path: string;
  ino: number;
  size: number;
}

const NAME = /^(\d{10})\.log$/;

function genPath(dir: string, seq: number): string {
  return join(dir, GENERATIONS, `${String(seq).padStart(10, '0')}.log`);
}

async function inode(path: string): Promise<{ ino: number; size: number } | undefined> {
  try {
    const st = await stat(path);
    return { ino: st.ino, size: st.size };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The numbered generations of a log directory, oldest first (the staged one included). */
export async function listGenerations(dir: string): Promise<LogGeneration[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, GENERATIONS));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: LogGeneration[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    const path = join(dir, GENERATIONS, name);
    const st = await inode(path);
    if (st) out.push({ seq: Number(m[1]), path, ...st });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** A fresh empty generation file; the caller links it where conmon will find it. */
async function createGeneration(dir: string, seq: number): Promise<string> {
  const path = genPath(dir, seq);
  const fh = await open(path, 'wx', 0o600);
  await fh.close();
  return path;
}

/** Links `target` at `name` unless something already is there (conmon mid-rotation): false then. */
async function linkIfAbsent(target: string, name: string): Promise<boolean> {
  try {
    await link(target, name);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Called before conmon starts: conmon counts bytes from zero for the file it opens,
 * so a container (re)starts on a fresh generation unless the current one is empty,
 * which keeps every file within the limit. Idempotent.
 */
export async function prepareLog(dir: string, maxFiles: number): Promise<void> {
  await mkdir(join(dir, GENERATIONS), { recursive: true });
  const currentPath = join(dir, CURRENT_LOG);
  let gens = await listGenerations(dir);
  let cur = await inode(currentPath);
  if (cur && !gens.some((g) => g.ino === cur!.ino)) {
    await link(currentPath, genPath(dir, (gens.at(-1)?.seq ?? 0) + 1));
    gens = await listGenerations(dir);
  }
  cur = await inode(currentPath);
  const curSeq = cur ? gens.find((g) => g.ino === cur!.ino)?.seq ?? 0 : 0;
  if (!cur || cur.size > 0) {
    // No conmon writes this log now, so the staged file may be moved or dropped freely.
    const staged = await inode(join(dir, STAGED));
    const stagedGen = staged && gens.find((g) => g.ino === staged.ino);
    if (stagedGen && stagedGen.seq > curSeq) {
      await rename(join(dir, STAGED), currentPath);
    } else {
      if (staged) await unlink(join(dir, STAGED));
      const path = await createGeneration(dir, (gens.at(-1)?.seq ?? 0) + 1);
      const temp = join(dir, `${CURRENT_LOG}.new`);
      await unlink(temp).catch(() => undefined);
      await link(path, temp);
      await rename(temp, currentPath);
    }
  }
  await rearmLog(dir, maxFiles);
}

/**
 * After a rotation (or at restore): number the current file if conmon made it while
 * nobody was watching, stage the next generation, and delete generations older than
 * the newest `maxFiles`. Safe to call at any time and repeatedly; callers serialise calls.
 */
export async function rearmLog(dir: string, maxFiles: number): Promise<void> {
  let gens = await listGenerations(dir);
  const cur = await inode(join(dir, CURRENT_LOG));
  if (!cur) return;
  if (!gens.some((g) => g.ino === cur.ino)) {
    await linkIfAbsent(join(dir, CURRENT_LOG), genPath(dir, (gens.at(-1)?.seq ?? 0) + 1));
    gens = await listGenerations(dir);
  }
  const current = gens.find((g) => g.ino === cur.ino);
  if (!current) return; // conmon rotated again meanwhile; the next call sees the new state
  const staged = await inode(join(dir, STAGED));
  let stagedSeq = staged ? gens.find((g) => g.ino === staged.ino)?.seq : undefined;
  if (stagedSeq !== undefined && stagedSeq < current.seq) {
    // conmon rotated into a file of its own before it used the staged one (berthd lagged):
    // the staged file comes next, so it must sort after the current one. It is empty and
    // unread, and only its numbered name moves; conmon's `.tmp` link is untouched.
    const seq = gens.at(-1)!.seq + 1;
    await rename(genPath(dir, stagedSeq), genPath(dir, seq));
    stagedSeq = seq;
  }
  if (!staged) {
    const seq = (gens.at(-1)?.seq ?? 0) + 1;
    const path = await createGeneration(dir, seq);
    if (await linkIfAbsent(path, join(dir, STAGED))) stagedSeq = seq;
    else await unlink(path);
  }
  for (const g of gens) {
    const tooOld = g.seq <= current.seq - Math.max(1, maxFiles);
    // Above the current one only the staged file belongs; others are empty leftovers of earlier staging.
    const stray = g.seq > current.seq && g.seq !== stagedSeq && g.size === 0;
    if (tooOld || stray) await unlink(g.path).catch(() => undefined);
  }
}

/** A log file a reader visits; `seq` orders them, the current file unnumbered by berthd gets Infinity. */
export interface LogFile {
  path: string;
  ino: number;
  seq: number;
}

/**
 * The files holding a container's output, oldest first: numbered generations up to
 * the current one, then `container.log` itself if no generation is its inode (written
 * while berthd was away, or a log made before rotation existed).
 */
export async function logFiles(dir: string): Promise<LogFile[]> {
  const gens = await listGenerations(dir);
  const cur = await inode(join(dir, CURRENT_LOG));
  if (!cur) return gens.filter((g) => g.size > 0).map(({ path, ino, seq }) => ({ path, ino, seq }));
  const current = gens.find((g) => g.ino === cur.ino);
  const upTo = current?.seq ?? Infinity;
  const out = gens.filter((g) => g.seq <= upTo).map(({ path, ino, seq }) => ({ path, ino, seq }));
  if (!current) out.push({ path: join(dir, CURRENT_LOG), ino: cur.ino, seq: Infinity });
  return out;
}
