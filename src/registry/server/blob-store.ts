import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { fsyncDir, writeFileAtomic } from '../../util/atomic.js';
import type { Digest } from '../../core/digest.js';
import { RegistryError } from './errors.js';
import type { RegistryLayout } from './layout.js';
import type { RepoName } from './names.js';

export interface BlobInfo {
  digest: Digest;
  size: number;
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR';
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Content-addressed blobs plus per-repository links. A blob is readable through a
 * repository only when that repository links it (pushed there, mounted there, or
 * a manifest revision of it), so access never leaks across repositories.
 */
export class BlobStore {
  constructor(readonly layout: RegistryLayout) {}

  async isLinked(name: RepoName, d: Digest): Promise<boolean> {
    return (await exists(this.layout.layerLink(name, d))) || (await exists(this.layout.revision(name, d)));
  }

  /** Size of a blob linked into `name`; BLOB_UNKNOWN otherwise. */
  async stat(name: RepoName, d: Digest): Promise<BlobInfo> {
    if (await this.isLinked(name, d)) {
      try {
        return { digest: d, size: (await stat(this.layout.blob(d))).size };
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    throw new RegistryError('BLOB_UNKNOWN', { digest: d });
  }

  /** A stream of `[start, end]` (inclusive) of a blob; the caller checked it with `stat`. */
  read(d: Digest, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.layout.blob(d), range ? { start: range.start, end: range.end } : {});
  }

  /** Whether the blob's content is present at all (in any repository). */
  async hasContent(d: Digest): Promise<boolean> {
    return exists(this.layout.blob(d));
  }

  /**
   * Moves a verified file into the blob store (it must hold exactly `d`'s content and
   * be fsynced) and links it into `name`. Idempotent: an existing blob is kept and
   * the file dropped. The blob is visible before the link, so a crash in between
   * leaves an unlinked blob, never a link to nothing.
   */
  async commit(name: RepoName, verifiedFile: string, d: Digest): Promise<void> {
    const target = this.layout.blob(d);
    if (await exists(target)) {
      await rm(verifiedFile, { force: true });
    } else {
      await mkdir(this.layout.blobsDir, { recursive: true });
      await rename(verifiedFile, target);
      await fsyncDir(this.layout.blobsDir);
    }
    await this.link(name, d);
  }

  async link(name: RepoName, d: Digest): Promise<void> {
    const path = this.layout.layerLink(name, d);
    if (!(await exists(path))) await writeFileAtomic(path, '');
  }

  /** Cross-repository mount: links `d` into `to` when `from` may read it. */
  async mount(from: RepoName, to: RepoName, d: Digest): Promise<boolean> {
    if (!(await this.isLinked(from, d)) || !(await this.hasContent(d))) return false;
    await this.link(to, d);
    return true;
  }

  /**
   * Unlinks a layer blob from `name`, as the reference registry does: the content
   * stays for other repositories that link it.
   */
  async unlink(name: RepoName, d: Digest): Promise<void> {
    const path = this.layout.layerLink(name, d);
    if (!(await exists(path))) throw new RegistryError('BLOB_UNKNOWN', { digest: d });
    await rm(path);
  }
}
