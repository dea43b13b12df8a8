import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { SourceEntry, SourceTree } from '../context/context-entry.js';

/** One file of a FileListTree: in memory (a heredoc) or in a host file (a downloaded URL). */
export interface ListedFile {
  entry: SourceEntry;
  data: Buffer | { hostPath: string };
}

/** A flat tree of a few named files: COPY <<EOF heredocs and ADD <url> downloads. */
export class FileListTree implements SourceTree {
  readonly label: string;
  readonly #files = new Map<string, ListedFile>();

  constructor(label: string, files: ListedFile[]) {
    this.label = label;
    for (const f of files) this.#files.set(f.entry.path, f);
  }

  async stat(path: string): Promise<SourceEntry | undefined> {
    if (path === '') return { path: '', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, mtime: 0 };
    return this.#files.get(path)?.entry;
  }

  async list(path: string): Promise<string[]> {
    return path === '' ? [...this.#files.keys()].sort() : [];
  }

  async open(path: string): Promise<Readable> {
    const f = this.#files.get(path)!;
    return Buffer.isBuffer(f.data) ? Readable.from([f.data]) : createReadStream(f.data.hostPath);
  }

  async readAll(path: string): Promise<Buffer> {
    const f = this.#files.get(path)!;
    return Buffer.isBuffer(f.data) ? f.data : readFile(f.data.hostPath);
  }

  async resolve(path: string): Promise<string> {
    return path;
  }
}
