import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, constants as zc } from 'node:zlib';
import { InvalidArgument } from '../../core/errors.js';
import type { BuildBackend } from '../backend.js';
import { cleanRelative, type SourceTree } from '../context/context-entry.js';
import { decompressExternal, externalFormat } from '../../archive/external-decompress.js';
import type { CopySource } from '../copy/copy-write.js';
import { FileListTree } from '../copy/file-list-tree.js';
import { globToRegExp, hasWildcards } from '../copy/glob.js';
import type { Heredoc } from '../dockerfile/ast.js';

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** Every path of a tree, sorted (wildcards walk this). */
async function allPaths(tree: SourceTree): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string) => {
    for (const name of await tree.list(p)) {
      const child = p === '' ? name : `${p}/${name}`;
      out.push(child);
      if ((await tree.stat(child))?.type === 'directory') await walk(child);
    }
  };
  await walk('');
  return out;
}

/**
 * The entries `words` name in `tree`, as Docker's copier finds them: a wildcard word
 * matches paths with Go's filepath.Match (a matched directory stands for its contents);
 * a plain word is one path, its symlinks followed inside the tree.
 */
export async function resolveSources(tree: SourceTree, words: readonly string[], kind: string, paths?: () => string[]): Promise<CopySource[]> {
  const out: CopySource[] = [];
  for (const w of words) {
    const clean = cleanRelative(w);
    if (hasWildcards(w)) {
      let re: RegExp;
      try {
        re = globToRegExp(clean);
      } catch (err) {
        throw new InvalidArgument(`${kind} failed: ${(err as Error).message}: ${w}`);
      }
      let skipUnder: string | undefined;
      for (const p of paths ? paths() : await allPaths(tree)) {
        if (skipUnder !== undefined && p.startsWith(`${skipUnder}/`)) continue;
        if (!re.test(p)) continue;
        const entry = await tree.stat(p);
        if (!entry) continue;
        out.push({ tree, entry });
        if (entry.type === 'directory') skipUnder = p;
      }
      continue;
    }
    const resolved = await tree.resolve(clean);
    const entry = await tree.stat(resolved);
    if (!entry) {
      throw new InvalidArgument(`${kind} failed: file not found in build context or excluded by .dockerignore: stat ${w}: file does not exist`);
    }
    out.push({ tree, entry: { ...entry, path: resolved } });
  }
  if (out.length === 0) throw new InvalidArgument(`${kind} failed: no source files were specified`);
  return out;
}

/** Heredoc sources of COPY/ADD: small in-memory files, expanded unless the delimiter was quoted. */
export function heredocTree(heredocs: readonly Heredoc[], env: Record<string, string>): FileListTree {
  return new FileListTree(
    'heredoc',
    heredocs.map((h) => {
      const text = h.expand ? h.content.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_m, a?: string, b?: string) => env[(a ?? b)!] ?? '') : h.content;
      const data = Buffer.from(text);
      return { entry: { path: h.name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: 0 }, data };
    }),
  );
}

/**
 * ADD <url>: berthd downloads the file into the build's scratch dir, hashing it on the
 * way (the cache keys on the content, as Docker's does). Named after the URL's last path
 * segment, mode 0600, mtime from Last-Modified.
 */
export async function downloadUrl(backend: BuildBackend, url: string, scratchDir: string, signal?: AbortSignal): Promise<{ tree: FileListTree; hash: string }> {
  let name: string;
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  } catch {
    throw new InvalidArgument(`invalid URL in ADD: ${url}`);
  }
  if (!name) name = '__unnamed__';
  const { body, lastModified } = await backend.fetchUrl(url, signal);
  const hostPath = join(scratchDir, `download-${randomBytes(6).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(hostPath, { mode: 0o600 }), signal ? { signal } : {});
  const digest = hash.digest('hex');
  const mtime = lastModified?.getTime() ?? 0;
  return {
    tree: new FileListTree(url, [{ entry: { path: name, type: 'file', mode: 0o600, uid: 0, gid: 0, size, mtime }, data: { hostPath } }]),
    hash: digest,
  };
}

/** The first `n` bytes of a stream (fewer if it is shorter); the stream is destroyed after. */
async function headOf(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let len = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      len += (chunk as Buffer).length;
      if (len >= n) break;
    }
  } catch {
    // A decompressor that fails on the data: not an archive we can unpack.
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/**
 * A file as a stream of tar (or gzip, which the archive reader takes as is): bzip2, xz and
 * zstd go through their decompressors.
 */
export async function openArchive(src: CopySource): Promise<Readable> {
  const format = externalFormat(await headOf(await src.tree.open(src.entry.path), 8));
  const stream = await src.tree.open(src.entry.path);
  return format ? decompressExternal(stream, format) : stream;
}

/** True when a file is a tar archive ADD must unpack: plain, gzip, bzip2, xz or zstd, as Docker's IsArchivePath. */
export async function isLocalArchive(src: CopySource): Promise<boolean> {
  if (src.entry.type !== 'file' || src.entry.size < 20) return false;
  let head = await headOf(await src.tree.open(src.entry.path), 64 * 1024);
  const format = externalFormat(head);
  if (format) head = await headOf(decompressExternal(await src.tree.open(src.entry.path), format), 512);
  else if (head[0] === 0x1f && head[1] === 0x8b) {
    try {
      head = gunzipSync(head, { finishFlush: zc.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  return head.length >= 512 && head.subarray(257, 262).toString('latin1') === 'ustar';
}
