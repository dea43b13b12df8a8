import { join } from 'node:path';
import { digestHex, type Digest } from '../../core/digest.js';
import type { RepoName } from './names.js';

/**
 * Where everything lives under `--root`:
 *
 *   blobs/sha256/<hex>                                  verified content, shared by all repositories (immutable)
 *   repositories/<name>/_layers/sha256/<hex>            empty link: the blob is pullable from <name>
 *   repositories/<name>/_manifests/revisions/sha256/<hex>  JSON: media type, size, subject... of a manifest in <name>
 *   repositories/<name>/_manifests/tags/<tag>           the digest the tag points at
 *   uploads/<uuid>/{session.json,data}                  upload sessions (resumable across restarts)
 *
 * Repository name components never start with `_`, so the `_` directories cannot clash with a nested repository.
 */
export class RegistryLayout {
  constructor(readonly root: string) {}

  get blobsDir(): string {
    return join(this.root, 'blobs', 'sha256');
  }
  blob(d: Digest): string {
    return join(this.blobsDir, digestHex(d));
  }
  get reposDir(): string {
    return join(this.root, 'repositories');
  }
  repo(name: RepoName): string {
    return join(this.reposDir, name);
  }
  layerLink(name: RepoName, d: Digest): string {
    return join(this.repo(name), '_layers', 'sha256', digestHex(d));
  }
  revisionsDir(name: RepoName): string {
    return join(this.repo(name), '_manifests', 'revisions', 'sha256');
  }
  revision(name: RepoName, d: Digest): string {
    return join(this.revisionsDir(name), digestHex(d));
  }
  tagsDir(name: RepoName): string {
    return join(this.repo(name), '_manifests', 'tags');
  }
  tag(name: RepoName, tag: string): string {
    return join(this.tagsDir(name), tag);
  }
  get uploadsDir(): string {
    return join(this.root, 'uploads');
  }
  upload(id: string): string {
    return join(this.uploadsDir, id);
  }
}
