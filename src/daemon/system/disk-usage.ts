import type { BuildCacheRecord, SystemDiskUsage } from '../../core/wire/system.js';
import type { Digest } from '../../core/digest.js';
import { InvalidArgument } from '../../core/errors.js';
import { diskUsage } from '../../snapshots/disk-usage.js';
import type { DaemonContext } from '../context.js';
import { listContainers } from '../containers/list-containers.js';
import { listImages } from '../images/list-images.js';
import { toVolume } from '../volumes/volume-views.js';

const TYPES = ['container', 'image', 'volume', 'build-cache'] as const;
type UsageType = (typeof TYPES)[number];

export interface DiskUsageInput {
  /** `type` query values; none means all. */
  types: string[];
  apiVersion: number;
  buildCache: () => Promise<BuildCacheRecord[]>;
}

/**
 * GET /system/df: images with their shared and unique layer bytes, containers with their
 * writable layers, volumes with their data and users, and the build cache, as `docker system df`
 * reads them. Only the asked types are computed (sizes mean walking trees).
 */
export async function systemDiskUsage(ctx: DaemonContext, input: DiskUsageInput): Promise<SystemDiskUsage> {
  for (const t of input.types) {
    if (!(TYPES as readonly string[]).includes(t)) throw new InvalidArgument(`unknown object type: ${t}`);
  }
  const want = (t: UsageType) => input.types.length === 0 || input.types.includes(t);
  const out: SystemDiskUsage = {};
  if (want('image')) {
    const { store } = ctx.images;
    const images = await listImages(ctx, { all: true, apiVersion: input.apiVersion });
    // A layer (by chain ID) used by more than one image is shared; each counts once in LayersSize.
    const users = new Map<Digest, number>();
    for (const rec of store.list()) for (const c of new Set(rec.chainIds)) users.set(c, (users.get(c) ?? 0) + 1);
    out.LayersSize = [...users.keys()].reduce((n, c) => n + (store.layer(c)?.size ?? 0), 0);
    out.Images = images.map((img) => {
      const rec = store.get(img.Id as Digest);
      const shared = rec ? [...new Set(rec.chainIds)].filter((c) => (users.get(c) ?? 0) > 1).reduce((n, c) => n + (store.layer(c)?.size ?? 0), 0) : 0;
      return { ...img, SharedSize: shared };
    });
  }
  if (want('container')) out.Containers = await listContainers(ctx, { all: true, size: true });
  if (want('volume')) {
    out.Volumes = await Promise.all(
      ctx.volumes.list().map(async (rec) => ({
        ...toVolume(ctx, rec),
        UsageData: { Size: (await diskUsage(ctx.volumes.dataPath(rec.Name)).catch(() => ({ size: -1 }))).size, RefCount: ctx.volumes.refs(rec.Name).length },
      })),
    );
  }
  if (want('build-cache')) out.BuildCache = await input.buildCache();
  return out;
}
