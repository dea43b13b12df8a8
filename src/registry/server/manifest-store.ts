import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { digestFromHex, isDigest, type Digest } from '../../core/digest.js';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.js';
import { exists, type BlobStore } from './blob-store.js';
import { RegistryError } from './errors.js';
import type { RegistryLayout } from './layout.js';
import { parseManifest } from './manifest-validate.js';
import type { ManifestRef, RepoName } from './names.js';

/** What is kept per manifest revision of a repository (the bytes themselves are a blob). */
interface Revision {
  mediaType: string;
  size: number;
  subject?: Digest;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface StoredManifest {
  digest: Digest;
  mediaType: string;
  size: number;
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * Manifests of repositories: revisions (digest -> media type and referrer facts) and
 * tags (tag -> digest), each file written atomically. Manifest bytes are stored as
 * blobs, exactly as pushed, so digests never change.
 */
export class ManifestStore {
  constructor(
    readonly layout: RegistryLayout,
    readonly blobs: BlobStore,
  ) {}

  async repoExists(name: RepoName): Promise<boolean> {
    return (await exists(join(this.layout.repo(name), '_manifests'))) || (await exists(join(this.layout.repo(name), '_layers')));
  }

  async #requireRepo(name: RepoName): Promise<void> {
    if (!(await this.repoExists(name))) throw new RegistryError('NAME_UNKNOWN', { name });
  }

  /** An unknown repository answers MANIFEST_UNKNOWN too, as the reference registry does. */
  async resolve(name: RepoName, ref: ManifestRef): Promise<StoredManifest> {
    let digest: Digest;
    if (ref.kind === 'tag') {
      const raw = await readFile(this.layout.tag(name, ref.tag), 'utf8').catch(() => undefined);
      if (raw === undefined || !isDigest(raw.trim())) throw new RegistryError('MANIFEST_UNKNOWN', { tag: ref.tag });
      digest = raw.trim() as Digest;
    } else {
      digest = ref.digest;
    }
    const rev = await this.#revision(name, digest);
    if (!rev) throw new RegistryError('MANIFEST_UNKNOWN', ref.kind === 'tag' ? { tag: ref.tag } : { digest });
    return { digest, mediaType: rev.mediaType, size: rev.size };
  }

  async #revision(name: RepoName, d: Digest): Promise<Revision | undefined> {
    try {
      return JSON.parse(await readFile(this.layout.revision(name, d), 'utf8')) as Revision;
    } catch {
      return undefined;
    }
  }

  /** The manifest's bytes (small; capped at push). */
  async read(m: StoredManifest): Promise<Buffer> {
    return readFile(this.layout.blob(m.digest));
  }

  /**
   * Stores a pushed manifest after checking its form and that every blob and child
   * manifest it references is in this repository (MANIFEST_BLOB_UNKNOWN otherwise).
   * `subject` may point at a manifest not pushed yet, as the spec requires.
   */
  async put(name: RepoName, ref: ManifestRef, bytes: Buffer, contentType: string | undefined, extraTags: string[] = []): Promise<StoredManifest & { subject?: Digest }> {
    const parsed = parseManifest(bytes, contentType);
    const digest = digestFromHex(createHash('sha256').update(bytes).digest('hex'));
    if (ref.kind === 'digest' && ref.digest !== digest) {
      throw new RegistryError('DIGEST_INVALID', { digest: ref.digest, actual: digest });
    }
    for (const d of parsed.blobs) {
      if (!(await this.blobs.isLinked(name, d)) || !(await this.blobs.hasContent(d))) {
        throw new RegistryError('MANIFEST_BLOB_UNKNOWN', { digest: d });
      }
    }
    for (const d of parsed.manifests) {
      if (!(await this.#revision(name, d))) throw new RegistryError('MANIFEST_BLOB_UNKNOWN', { digest: d });
    }
    if (!(await this.blobs.hasContent(digest))) await writeFileAtomic(this.layout.blob(digest), bytes);
    const rev: Revision = { mediaType: parsed.mediaType, size: bytes.length };
    if (parsed.subject) rev.subject = parsed.subject;
    if (parsed.artifactType) rev.artifactType = parsed.artifactType;
    if (parsed.annotations) rev.annotations = parsed.annotations;
    await writeJsonAtomic(this.layout.revision(name, digest), rev);
    const tags = ref.kind === 'tag' ? [ref.tag, ...extraTags] : extraTags;
    for (const t of tags) await writeFileAtomic(this.layout.tag(name, t), digest);
    return { digest, mediaType: parsed.mediaType, size: bytes.length, ...(parsed.subject ? { subject: parsed.subject } : {}) };
  }

  /** By digest: the revision and every tag pointing at it go. By tag: only the tag. */
  async delete(name: RepoName, ref: ManifestRef): Promise<void> {
    if (ref.kind === 'tag') {
      if (!(await exists(this.layout.tag(name, ref.tag)))) throw new RegistryError('MANIFEST_UNKNOWN', { tag: ref.tag });
      await rm(this.layout.tag(name, ref.tag));
      return;
    }
    if (!(await this.#revision(name, ref.digest))) throw new RegistryError('MANIFEST_UNKNOWN', { digest: ref.digest });
    for (const t of await this.#tagNames(name)) {
      const raw = await readFile(this.layout.tag(name, t), 'utf8').catch(() => '');
      if (raw.trim() === ref.digest) await rm(this.layout.tag(name, t), { force: true });
    }
    await rm(this.layout.revision(name, ref.digest));
  }

  async #tagNames(name: RepoName): Promise<string[]> {
    const names = await readdir(this.layout.tagsDir(name)).catch(() => [] as string[]);
    // Skip temp files of interrupted atomic writes.
    return names.filter((n) => !n.startsWith('.'));
  }

  /** All tags, sorted as the reference registry sorts them (byte order). */
  async tags(name: RepoName): Promise<string[]> {
    await this.#requireRepo(name);
    return (await this.#tagNames(name)).sort();
  }

  /** Manifests of `name` whose `subject` is `digest`, as descriptors for the referrers API. */
  async referrers(name: RepoName, digest: Digest, artifactType?: string): Promise<Descriptor[]> {
    const hexes = await readdir(this.layout.revisionsDir(name)).catch(() => [] as string[]);
    const out: Descriptor[] = [];
    for (const hex of hexes.sort()) {
      if (!/^[a-f0-9]{64}$/.test(hex)) continue;
      const d = digestFromHex(hex);
      const rev = await this.#revision(name, d);
      if (!rev || rev.subject !== digest) continue;
      if (artifactType !== undefined && rev.artifactType !== artifactType) continue;
      const desc: Descriptor = { mediaType: rev.mediaType, digest: d, size: rev.size };
      if (rev.artifactType) desc.artifactType = rev.artifactType;
      if (rev.annotations) desc.annotations = rev.annotations;
      out.push(desc);
    }
    return out;
  }
}
