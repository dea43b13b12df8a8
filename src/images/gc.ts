import type { Digest } from '../core/digest.js';
import { messageOf } from '../core/errors.js';
import type { ImageDeps } from './deps.js';

/**
 * Removes what no image references any more: layer snapshots (top of a chain
 * first, since a snapshot with children cannot go) and blobs. Callers pass the
 * snapshots that containers hold (their parents) so those are kept.
 * Blob collection is skipped while `busy()` says an import/load/pull is writing:
 * their fresh blobs are not referenced by a record yet.
 */
export async function collectGarbage(
  deps: ImageDeps,
  opts: { keepSnapshots?: ReadonlySet<string>; busy?: () => boolean } = {},
): Promise<{ snapshots: number; blobs: number; bytes: number }> {
  const images = deps.store.list();
  const liveChains = new Set<string>(images.flatMap((i) => i.chainIds));
  const liveBlobs = new Set<string>();
  for (const img of images) {
    liveBlobs.add(img.id);
    if (img.manifestDigest) liveBlobs.add(img.manifestDigest);
    for (const l of img.layers) liveBlobs.add(l.digest);
  }
  let snapshots = 0;
  let bytes = 0;
  const all = await deps.snapshots.list();
  const keep = opts.keepSnapshots ?? new Set<string>();
  // Anything a kept snapshot or a live chain builds on stays too.
  const parentOf = new Map(all.map((s) => [s.name, s.parent]));
  const needed = new Set<string>();
  const markWithParents = (name: string) => {
    for (let cur: string | undefined = name; cur && !needed.has(cur); cur = parentOf.get(cur)) needed.add(cur);
  };
  // Active snapshots (containers, unpacks in progress) keep their parents.
  for (const s of all) if (s.kind !== 'committed') markWithParents(s.name);
  for (const k of [...liveChains, ...keep]) markWithParents(k);
  const removable = all.filter((s) => s.kind === 'committed' && !needed.has(s.name));
  // Children before parents: remove in order of decreasing depth.
  const depth = (name: string): number => {
    let d = 0;
    for (let cur = parentOf.get(name); cur; cur = parentOf.get(cur)) d++;
    return d;
  };
  removable.sort((a, b) => depth(b.name) - depth(a.name));
  const removedChains: Digest[] = [];
  for (const s of removable) {
    try {
      bytes += (await deps.snapshots.usage(s.name)).size;
      await deps.snapshots.remove(s.name);
      removedChains.push(s.name as Digest);
      snapshots++;
    } catch (err) {
      deps.logger.warn('gc: cannot remove snapshot', { name: s.name, error: messageOf(err) });
    }
  }
  if (removedChains.length) await deps.store.deleteLayers(removedChains);
  let blobs = 0;
  if (!opts.busy?.()) {
    for await (const b of deps.content.list()) {
      if (liveBlobs.has(b.digest)) continue;
      await deps.content.delete(b.digest);
      blobs++;
    }
  }
  return { snapshots, blobs, bytes };
}
