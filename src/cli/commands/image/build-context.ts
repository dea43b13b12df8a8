import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import tar from 'tar-stream';
import dockerignore, { type Ignore } from '@balena/dockerignore';

const ignore = ((dockerignore as unknown as { default?: () => Ignore }).default ?? dockerignore) as unknown as () => Ignore;

/** Files below this size are read whole into the tar; larger ones stream. */
const SMALL_FILE = 1 << 20;

export interface ContextTar {
  tar: Readable;
  /** The Dockerfile's path inside the tar (what POST /build's `dockerfile` names). */
  dockerfile: string;
  /** Bytes sent so far (for "Sending build context to Docker daemon"). */
  sent(): number;
  done: Promise<void>;
}

function patternsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * The build context of directory `dir` as a tar stream, made as the docker CLI makes it:
 * `.dockerignore` rules applied while walking (an excluded directory is entered only when
 * a `!` exception could re-include something in it), the Dockerfile and .dockerignore
 * always sent, entries owned by 0:0, names sorted. A Dockerfile outside the context (or
 * given as text) is added under a random `.dockerfile.*` name, as the docker CLI does.
 */
export async function contextTar(dir: string, dockerfile: string | { text: string } | undefined): Promise<ContextTar> {
  const root = resolve(dir);
  const ignoreText = await readFile(join(root, '.dockerignore'), 'utf8').catch(() => '');
  const patterns = patternsOf(ignoreText);
  let dfName = 'Dockerfile';
  let extra: { name: string; data: Buffer } | undefined;
  if (typeof dockerfile === 'object') {
    extra = { name: `.dockerfile.${randomBytes(10).toString('hex')}`, data: Buffer.from(dockerfile.text) };
    dfName = extra.name;
  } else if (dockerfile !== undefined) {
    const abs = resolve(dockerfile);
    const rel = relative(root, abs);
    if (rel.startsWith('..') || rel === '' || resolve(root, rel) !== abs) {
      extra = { name: `.dockerfile.${randomBytes(10).toString('hex')}`, data: await readFile(abs) };
      dfName = extra.name;
    } else dfName = rel.split(sep).join('/');
  }
  const ig = ignore().add([...patterns, `!${dfName}`, '!.dockerignore']);
  const hasExceptions = patterns.some((p) => p.startsWith('!'));
  const pack = tar.pack();
  const { out, sent } = counted(pack);

  const add = (header: Partial<tar.Header> & Pick<tar.Header, 'name'>, data?: Buffer) =>
    new Promise<void>((res, rej) => (data ? pack.entry(header, data, (err) => (err ? rej(err) : res())) : pack.entry(header, (err) => (err ? rej(err) : res()))));
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel === '' ? root : join(root, rel))).sort();
    for (const name of names) {
      const p = rel === '' ? name : `${rel}/${name}`;
      const abs = join(root, p);
      const st = await lstat(abs);
      const ignored = ig.ignores(st.isDirectory() ? `${p}/` : p) || ig.ignores(p);
      if (ignored && !(st.isDirectory() && hasExceptions)) continue;
      const base = { name: p, mode: st.mode & 0o7777, mtime: st.mtime, uid: 0, gid: 0 };
      if (st.isDirectory()) {
        if (!ignored) await add({ ...base, type: 'directory' });
        await walk(p);
      } else if (st.isSymbolicLink()) {
        await add({ ...base, type: 'symlink', linkname: await readlink(abs) });
      } else if (st.isFile()) {
        if (st.size <= SMALL_FILE) await add({ ...base, type: 'file', size: st.size }, await readFile(abs));
        else {
          await new Promise<void>((res, rej) => {
            const entry = pack.entry({ ...base, type: 'file', size: st.size }, (err) => (err ? rej(err) : res()));
            createReadStream(abs).on('error', rej).pipe(entry);
          });
        }
      }
    }
  };
  const done = (async () => {
    try {
      await walk('');
      if (extra) await add({ name: extra.name, type: 'file', mode: 0o600, size: extra.data.length, mtime: new Date(), uid: 0, gid: 0 }, extra.data);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
      throw err;
    }
  })();
  done.catch(() => undefined);
  return { tar: out, dockerfile: dfName, sent, done };
}

/** The tar passed through a byte counter (listening for 'data' on the pack itself would start it flowing). */
function counted(pack: tar.Pack): { out: Readable; sent: () => number } {
  let n = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      n += chunk.length;
      cb(null, chunk);
    },
  });
  (pack as unknown as Readable).on('error', (err) => counter.destroy(err)).pipe(counter);
  return { out: counter, sent: () => n };
}

/** `docker build - < Dockerfile`: a context of nothing but the Dockerfile. */
export function dockerfileOnlyTar(text: string): ContextTar {
  const pack = tar.pack();
  const { out, sent } = counted(pack);
  const data = Buffer.from(text);
  const done = new Promise<void>((res, rej) => pack.entry({ name: 'Dockerfile', type: 'file', mode: 0o600, size: data.length, mtime: new Date(), uid: 0, gid: 0 }, data, (err) => (err ? rej(err) : res())));
  done.then(() => pack.finalize(), () => undefined);
  return { tar: out, dockerfile: 'Dockerfile', sent, done };
}
