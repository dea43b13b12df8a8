import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { lstat, lutimes, readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DigestStream, packDirectory } from '../../archive/index.js';
import type { Digest } from '../../core/digest.js';
import { AlreadyExists, NotFound } from '../../core/errors.js';
import type { ImageConfig } from '../../core/image-config.js';
import { MediaType } from '../../core/mediatypes.js';
import { chainIds } from '../../images/chain-id.js';
import { configBytes, storeImage } from '../../images/create-image.js';
import type { BuildImage, ImageDraft } from '../../builder/backend.js';
import type { DaemonContext } from '../context.js';

/** A step's config-only image: the parent's layers under a new config. */
export async function storeConfigOnly(ctx: DaemonContext, parent: string | undefined, config: ImageConfig): Promise<BuildImage> {
  const parentRecord = parent ? ctx.images.store.get(parent as Digest) : undefined;
  if (parent && !parentRecord) throw new NotFound(`No such image: ${parent}`);
  const rec = await storeImage(ctx.images, {
    config: configBytes(config),
    layers: parentRecord?.layers ?? [],
    ...(parent ? { parent: parent as Digest } : {}),
  });
  return { id: rec.id, config };
}

export interface LayerInput {
  /** The directory holding the step's changes (an overlay upper dir). */
  upper: string;
  parent: string | undefined;
  draft: ImageDraft;
  /**
   * The active snapshot `upper` belongs to, when nothing else uses it: it is committed as
   * the new layer's snapshot as it is, instead of unpacking the layer blob a second time.
   */
  snapshotKey?: string;
  signal?: AbortSignal;
}

/**
 * Turns a step's changes into the next image. No changes: no layer, the history entry
 * says `empty_layer` (Docker's behaviour). Otherwise the upper dir is packed (overlay
 * whiteouts as OCI whiteouts) through a digest into the content store. Build layers are
 * stored uncompressed: the DiffID is then the blob digest, one hash and no gzip on the
 * critical path of every build step (Docker's own layer store keeps them uncompressed too).
 */
export async function commitLayer(ctx: DaemonContext, input: LayerInput): Promise<BuildImage> {
  const { draft } = input;
  const config: ImageConfig = structuredClone(draft.config);
  const entry = config.history?.at(-1);
  if ((await readdir(input.upper)).length === 0) {
    if (entry) entry.empty_layer = true;
    return storeConfigOnly(ctx, input.parent, config);
  }
  if (draft.epoch !== undefined) await clampTimes(input.upper, draft.epoch);
  const parentRecord = input.parent ? ctx.images.store.get(input.parent as Digest) : undefined;
  if (input.parent && !parentRecord) throw new NotFound(`No such image: ${input.parent}`);

  return ctx.writes.track(async () => {
    const diff = new DigestStream();
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    const ingest = ctx.images.content.ingest(out, undefined, { signal: input.signal });
    await Promise.all([pipeline(packDirectory(input.upper, { whiteouts: 'overlay-to-oci' }), diff, out, input.signal ? { signal: input.signal } : {}), ingest]);
    const blob = await ingest;
    const diffId = diff.digest();
    config.rootfs = { type: 'layers', diff_ids: [...config.rootfs.diff_ids, diffId] };
    if (input.snapshotKey) {
      const chain = chainIds(config.rootfs.diff_ids).at(-1)!;
      await ctx.images.snapshots.commit(chain, input.snapshotKey).catch(async (err: unknown) => {
        // The same layer was built before: keep that one.
        if (!(err instanceof AlreadyExists)) throw err;
        await ctx.images.snapshots.remove(input.snapshotKey!).catch(() => undefined);
      });
    }
    const rec = await storeImage(ctx.images, {
      config: configBytes(config),
      layers: [...(parentRecord?.layers ?? []), { mediaType: MediaType.OciLayer, digest: blob.digest, size: blob.size }],
      ...(input.parent ? { parent: input.parent as Digest } : {}),
      signal: input.signal,
    });
    return { id: rec.id, config };
  });
}

/** SOURCE_DATE_EPOCH: no file in the layer is newer than the epoch, so its tar is reproducible. */
async function clampTimes(dir: string, epoch: number): Promise<void> {
  for (const name of await readdir(dir)) {
    const p = join(dir, name);
    const st = await lstat(p);
    if (st.isDirectory()) await clampTimes(p, epoch);
    if (st.mtimeMs > epoch * 1000 || st.atimeMs > epoch * 1000) await lutimes(p, epoch, epoch);
  }
}

/**
 * Removes runc's mount-point placeholders (etc/hosts and friends) from a finished RUN
 * container's upper dir, and the directories overlay copied up only to hold them, so
 * `RUN true` leaves an empty upper dir and makes no layer.
 */
export async function removePlaceholders(upper: string, lowers: readonly string[], placeholders: ReadonlySet<string>): Promise<void> {
  const parents = new Set<string>();
  for (const rel of placeholders) {
    await rm(join(upper, rel), { recursive: true, force: true });
    const slash = rel.lastIndexOf('/');
    if (slash > 0) parents.add(rel.slice(0, slash));
  }
  for (const dir of [...parents].sort().reverse()) {
    const host = join(upper, dir);
    const entries = await readdir(host).catch(() => undefined);
    if (!entries || entries.length > 0) continue;
    const below = await Promise.any(lowers.map((l) => lstat(join(l, dir)))).catch(() => undefined);
    const here = await lstat(host);
    // Only a plain copy-up (same owner and mode as below) is bookkeeping; anything else is a change.
    if (below?.isDirectory() && below.mode === here.mode && below.uid === here.uid && below.gid === here.gid) await rmdir(host).catch(() => undefined);
  }
}
