import type { Digest } from '../core/digest.js';
import { shortId } from '../core/digest.js';
import { Conflict } from '../core/errors.js';
import { familiarString, parseReference, formatReference, repositoryOf } from '../core/reference.js';
import type { ImageDeps } from './deps.js';

export interface DeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ContainerUse {
  id: string;
  running: boolean;
}

export interface RemoveOptions {
  force?: boolean;
  noPrune?: boolean;
  /** Containers (running or exited) created from an image. */
  usedBy: (id: Digest) => ContainerUse[];
}

function familiar(full: string): string {
  return familiarString(parseReference(full));
}

function childrenOf(deps: ImageDeps, id: Digest): Digest[] {
  return deps.store.list().filter((i) => i.parent === id).map((i) => i.id);
}

/**
 * `docker rmi`, with Docker's rules: a reference untags, and deletes the image
 * only when it was the last tag; an ID deletes, refusing (unless forced) when the
 * image is tagged in several repositories. Containers that use the image block
 * deletion (a running one even with force), as do child images.
 */
export async function removeImage(deps: ImageDeps, name: string, opts: RemoveOptions): Promise<DeleteResponseItem[]> {
  const id = deps.store.resolve(name);
  const out: DeleteResponseItem[] = [];
  const hex = id.slice(7);
  const bare = name.startsWith('sha256:') ? name.slice(7) : name;
  const byId = hex.startsWith(bare);
  const users = opts.usedBy(id);
  const running = users.find((u) => u.running);
  const stopped = users.find((u) => !u.running);

  if (!byId) {
    const ref = parseReference(name);
    const full = formatReference(ref);
    const tags = deps.store.tagsOf(id);
    if (tags.length === 1 && tags[0] === full && users.length > 0 && !opts.force) {
      throw new Conflict(
        `conflict: unable to remove repository reference "${name}" (must force) - container ${shortId(users[0]!.id)} is using its referenced image ${shortId(id)}`,
      );
    }
    if (ref.digest) {
      const repoDigest = `${repositoryOf(ref)}@${ref.digest}`;
      await deps.store.removeRepoDigest(id, repoDigest);
      out.push({ Untagged: familiar(repoDigest) });
    } else {
      await deps.store.untag(full);
      out.push({ Untagged: familiar(full) });
    }
    if (deps.store.tagsOf(id).length > 0) return out;
    // Last tag gone: the image goes too, unless something still needs it (then quietly kept, as Docker does).
    if (running || (stopped && !opts.force) || childrenOf(deps, id).length > 0) return out;
  } else {
    const tags = deps.store.tagsOf(id);
    const repos = new Set(tags.map((t) => repositoryOf(parseReference(t))));
    if (repos.size > 1 && !opts.force) {
      throw new Conflict(`conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`);
    }
    if (running) {
      throw new Conflict(`conflict: unable to delete ${shortId(id)} (cannot be forced) - image is being used by running container ${shortId(running.id)}`);
    }
    if (stopped && !opts.force) {
      throw new Conflict(`conflict: unable to delete ${shortId(id)} (must be forced) - image is being used by stopped container ${shortId(stopped.id)}`);
    }
    if (childrenOf(deps, id).length > 0) {
      throw new Conflict(`conflict: unable to delete ${shortId(id)} (cannot be forced) - image has dependent child images`);
    }
    for (const t of tags) {
      await deps.store.untag(t);
      out.push({ Untagged: familiar(t) });
    }
  }
  const rec = deps.store.get(id);
  for (const d of rec?.repoDigests ?? []) out.push({ Untagged: familiar(d) });
  await deps.store.delete(id);
  out.push({ Deleted: id });

  // Untagged parents left without children go too, unless --no-prune.
  let parent = rec?.parent;
  while (!opts.noPrune && parent) {
    const p = deps.store.get(parent);
    if (!p || deps.store.tagsOf(parent).length > 0 || childrenOf(deps, parent).length > 0 || opts.usedBy(parent).length > 0) break;
    await deps.store.delete(parent);
    out.push({ Deleted: parent });
    parent = p.parent;
  }
  return out;
}
