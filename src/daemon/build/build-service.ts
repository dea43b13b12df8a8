import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { runBuild } from '../../builder/build.js';
import { BuildCache } from '../../builder/cache/build-cache.js';
import { BuildContext } from '../../builder/context/build-context.js';
import type { BuildProgress } from '../../builder/output.js';
import type { BuildOptions } from '../../builder/session.js';
import type { Digest } from '../../core/digest.js';
import { InvalidArgument } from '../../core/errors.js';
import { familiarString, parseReference, type Reference } from '../../core/reference.js';
import type { BuildRequest } from '../../core/wire/build.js';
import type { BuildCacheRecord } from '../../core/wire/system.js';
import type { DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';
import { buildBackend } from './build-backend.js';
import { diskUsage } from '../../snapshots/disk-usage.js';


/**
 * The builder's home in the daemon: <data-root>/builder holds the cache index
 * (cache.json), per-build scratch space (tmp/, swept at start: a crash mid-build leaves
 * only that), mount points for build steps (mnt/) and RUN --mount=type=cache directories
 * by the sha256 of their id (cache-mounts/).
 */
export class BuildService {
  readonly #ctx: DaemonContext;
  readonly #root: string;
  /** RUN --mount=type=cache directories, one per cache id. */
  readonly #cacheMounts: string;
  readonly cache: BuildCache;

  private constructor(ctx: DaemonContext, root: string, cache: BuildCache) {
    this.#ctx = ctx;
    this.#root = root;
    this.#cacheMounts = join(root, 'cache-mounts');
    this.cache = cache;
  }

  static async open(ctx: DaemonContext): Promise<BuildService> {
    const root = join(ctx.dataRoot, 'builder');
    await rm(join(root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(root, 'tmp'), { recursive: true, mode: 0o700 });
    await mkdir(join(root, 'mnt'), { recursive: true, mode: 0o700 });
    // A crash mid-step leaves a step rootfs mounted here; its snapshot is swept by the image GC.
    for (const name of await readdir(join(root, 'mnt'))) {
      const dir = join(root, 'mnt', name);
      if (await ctx.containers.mounter.isMountPoint(dir)) await ctx.containers.mounter.unmount(dir, { detach: true }).catch(() => undefined);
      await rmdir(dir).catch(() => undefined);
    }
    return new BuildService(ctx, root, await BuildCache.open(root));
  }

  /** POST /build: receives the context, builds, tags; progress as Docker's classic builder prints it. */
  async build(source: Readable, req: BuildRequest, progress: BuildProgress, signal: AbortSignal): Promise<{ id: string }> {
    const refs: Reference[] = req.tags.map((t) => {
      const ref = parseReference(t);
      if (ref.digest) throw new InvalidArgument(`invalid reference format: ${t}: a build tag cannot have a digest`);
      return ref;
    });
    const dir = join(this.#root, 'tmp', randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true });
    try {
      const context = await BuildContext.receive(source, join(dir, 'context'), signal);
      // -q: everything but the image ID is held, and shown only if the build fails.
      let held: Array<() => void> = [];
      const out: BuildProgress = req.quiet
        ? { stream: (t) => void held.push(() => progress.stream(t)), aux: (a) => progress.aux(a), progress: (e) => void held.push(() => progress.progress(e)) }
        : progress;
      try {
        const image = await this.#ctx.writes.track(() =>
          runBuild({ context, opts: req, backend: buildBackend(this.#ctx, { mntRoot: join(this.#root, 'mnt'), cacheMounts: this.#cacheMounts }, req.authConfigs), cache: this.cache, scratchDir: dir, signal }, out),
        );
        out.stream(`Successfully built ${image.id.replace(/^sha256:/, '').slice(0, 12)}\n`);
        for (const ref of refs) {
          await this.#ctx.images.store.tag(ref, image.id as Digest);
          emitImageEvent(this.#ctx, image.id, 'tag', familiarString(ref));
          out.stream(`Successfully tagged ${familiarString(ref)}\n`);
        }
        if (req.quiet) progress.stream(`${image.id}\n`);
        return { id: image.id };
      } catch (err) {
        // -q hides the output of a build that works; a failing one shows what happened.
        if (req.quiet) for (const replay of held) replay();
        held = [];
        throw err;
      } finally {
        await context.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The RUN --mount=type=cache directories as `system df` lists build cache (Docker's exec.cachemount records). */
  async cacheMountRecords(): Promise<BuildCacheRecord[]> {
    const root = this.#cacheMounts;
    const names = await readdir(root).catch(() => [] as string[]);
    return Promise.all(
      names.map(async (name) => {
        const dir = join(root, name);
        const [usage, st] = await Promise.all([diskUsage(dir), stat(dir)]);
        return {
          ID: name.slice(0, 25),
          Parents: null,
          Type: 'exec.cachemount' as const,
          Description: 'cached mount (RUN --mount=type=cache)',
          InUse: false,
          Shared: false,
          Size: usage.size,
          CreatedAt: st.birthtime.toISOString(),
          LastUsedAt: st.mtime.toISOString(),
          UsageCount: 0,
        };
      }),
    );
  }

  /**
   * POST /build/prune: forgets cache entries (all, or those whose image is gone); with `all`
   * also removes the RUN --mount=type=cache directories, as `docker builder prune -a` does.
   */
  async prune(all: boolean): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }> {
    const dropped = this.cache.prune((id) => this.#ctx.images.store.get(id as Digest) !== undefined, all);
    await this.cache.save();
    // The step images themselves are images: `image prune` reclaims their space, not this.
    let reclaimed = 0;
    if (all) {
      const root = this.#cacheMounts;
      for (const name of await readdir(root).catch(() => [] as string[])) {
        reclaimed += (await diskUsage(join(root, name))).size;
        await rm(join(root, name), { recursive: true, force: true });
        dropped.push(`cache-mount:${name.slice(0, 12)}`);
      }
    }
    return { CachesDeleted: dropped, SpaceReclaimed: reclaimed };
  }
}
