import { createHash, randomBytes } from 'node:crypto';
import { chown, lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BuildBackend, BuildImage, ImageDraft, RunInput, RunMount } from '../../builder/backend.js';
import type { MountSpec } from '../../core/wire/volumes.js';
import { KeyedMutex } from '../../util/mutex.js';
import type { Digest } from '../../core/digest.js';
import { InvalidArgument, NotFound, messageOf } from '../../core/errors.js';
import { familiarName, familiarString, formatReference, parseReference } from '../../core/reference.js';
import type { AuthConfig } from '../../core/wire/registry-auth.js';
import { resolveAuthConfig } from '../../core/wire/registry-config.js';
import { readConfig } from '../../images/create-image.js';
import type { DaemonContext } from '../context.js';
import { createContainer } from '../containers/create-container.js';
import { removeContainerNow, startContainer } from '../containers/container-runner.js';
import { attachOutput } from '../containers/container-logs.js';
import { mountPointArtifacts } from '../containers/container-changes.js';
import { pullImageUseCase } from '../images/pull-image.js';
import { commitLayer, removePlaceholders, storeConfigOnly } from './layer-commit.js';

/**
 * The builder's view of the engine, made of the daemon's own use cases: RUN steps are
 * ordinary containers (create, start, exit, remove), COPY/ADD/WORKDIR write into a fresh
 * snapshot mounted under <data-root>/builder/mnt, and every step's image is stored like
 * any other image (with `parent` set, which --cache-from follows).
 */
export function buildBackend(
  ctx: DaemonContext,
  dirs: { mntRoot: string; cacheMounts: string },
  authConfigs: Record<string, AuthConfig> = {},
): BuildBackend {
  const { images, containers } = ctx;
  const { mntRoot, cacheMounts } = dirs;
  const topLayer = (id: string | undefined): string | undefined => (id ? images.store.get(id as Digest)?.chainIds.at(-1) : undefined);

  async function withMounted<T>(key: string, mounts: Awaited<ReturnType<typeof images.snapshots.prepare>>, fn: (dir: string) => Promise<T>): Promise<T> {
    const dir = join(mntRoot, key);
    await mkdir(dir, { recursive: true });
    await containers.mounter.mountAll(mounts, dir);
    try {
      return await fn(dir);
    } finally {
      await containers.mounter.unmount(dir, { detach: true }).catch((err: unknown) => ctx.logger.warn('unmounting build rootfs failed', { dir, error: messageOf(err) }));
      await rmdir(dir).catch(() => undefined);
    }
  }

  async function runPlain(input: RunInput, mounts: MountSpec[], onOutput: (data: Buffer) => void, signal?: AbortSignal): Promise<{ containerId: string; exitCode: number }> {
    const { Id } = await createContainer(
      ctx,
      {
        Image: input.image,
        Cmd: input.cmd,
        // RUN runs its command as given, never through the image's ENTRYPOINT.
        Entrypoint: [],
        Env: input.env,
        User: input.user,
        WorkingDir: input.workdir,
        HostConfig: { NetworkMode: input.networkMode, ...(mounts.length > 0 ? { Mounts: mounts } : {}) },
      },
      undefined,
    );
    input.onStart?.(Id);
    const record = containers.store.get(Id);
    const exited = containers.events.nextExit(Id);
    const output = (async () => {
      for await (const chunk of attachOutput(ctx, Id, { stdout: true, stderr: true })) onOutput(chunk.data);
    })();
    const onAbort = () => void containers.runtime.kill(Id, 'SIGKILL').catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await startContainer(ctx, record);
    } catch (err) {
      containers.events.exited(Id, 127);
      await output.catch(() => undefined);
      await removeContainerNow(ctx, containers.store.get(Id)).catch(() => undefined);
      throw new InvalidArgument(`failed to start the RUN container: ${messageOf(err)}`, { cause: err });
    }
    try {
      const exitCode = await exited;
      await output;
      if (signal?.aborted) throw new InvalidArgument('Build cancelled');
      return { containerId: Id, exitCode };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async getImage(ref: string): Promise<BuildImage | undefined> {
      const id = images.store.tryResolve(ref);
      if (!id) return undefined;
      return { id, config: await readConfig(images, id) };
    },

    async pullImage(ref, progress, signal) {
      // As the classic builder's pullForBuilder: a name without tag means :latest.
      const named = parseReference(ref);
      await pullImageUseCase(ctx, {
        fromImage: familiarName(named),
        tag: named.digest ?? named.tag!,
        auth: resolveAuthConfig(authConfigs, named.domain),
        progress,
        ...(signal ? { signal } : {}),
      });
      const id = images.store.tryResolve(formatReference(named));
      if (!id) throw new NotFound(`No such image: ${familiarString(named)}`);
      return { id, config: await readConfig(images, id) };
    },

    childrenOf: (id) => images.store.list().filter((r) => r.parent === id).map((r) => r.id),
    parentOf: (id) => images.store.get(id as Digest)?.parent,

    async runContainer(input: RunInput, onOutput, signal) {
      const mounts = input.mounts ?? [];
      const specs = await Promise.all(mounts.map((m) => mountSpec(cacheMounts, m)));
      // locked (and private, see DECISIONS.md) caches take one RUN at a time.
      const locked = [...new Set(mounts.flatMap((m) => (m.type === 'cache' && m.sharing !== 'shared' ? [m.id] : [])))].sort();
      const run = () => runPlain(input, specs, onOutput, signal);
      return locked.reduceRight<() => Promise<{ containerId: string; exitCode: number }>>((next, id) => () => cacheLocks.run(id, next), run)();
    },

    async commitContainer(containerId: string, draft: ImageDraft, signal?: AbortSignal) {
      const c = containers.store.get(containerId);
      const upper = await images.snapshots.upperDir(c.SnapshotKey);
      const lowers = await images.snapshots.lowerDirs(c.SnapshotKey);
      await removePlaceholders(upper, lowers, await mountPointArtifacts(upper, lowers, c));
      await removeMountStubs(upper, lowers, (c.HostConfig.Mounts ?? []).flatMap((m) => (m.Target ? [m.Target] : [])));
      return commitLayer(ctx, { upper, parent: c.Image, draft, ...(signal ? { signal } : {}) });
    },

    async removeContainer(containerId: string) {
      await removeContainerNow(ctx, containers.store.get(containerId));
    },

    async commitFiles(parent, write, draft, signal) {
      const key = `build-${randomBytes(8).toString('hex')}`;
      const mounts = await images.snapshots.prepare(key, topLayer(parent));
      try {
        await withMounted(key, mounts, write);
        const upper = await images.snapshots.upperDir(key);
        return await commitLayer(ctx, { upper, parent, draft, snapshotKey: key, ...(signal ? { signal } : {}) });
      } finally {
        // Committed snapshots have a new name; only a failed or empty step leaves the key.
        await images.snapshots.remove(key).catch(() => undefined);
      }
    },

    async withImageRootfs(id, read) {
      const key = `build-view-${randomBytes(8).toString('hex')}`;
      const mounts = await images.snapshots.view(key, topLayer(id));
      try {
        return await withMounted(key, mounts, read);
      } finally {
        await images.snapshots.remove(key).catch(() => undefined);
      }
    },

    writeImage: (parent, draft) => storeConfigOnly(ctx, parent, draft.config),

    async fetchUrl(url, signal) {
      let res: Response;
      try {
        res = await fetch(url, { signal: signal ?? null, redirect: 'follow' });
      } catch (err) {
        throw new InvalidArgument(`failed to GET ${url}: ${messageOf((err as Error).cause ?? err)}`, { cause: err });
      }
      if (!res.ok || !res.body) throw new InvalidArgument(`failed to GET ${url} with status ${res.status} ${res.statusText}`);
      const lm = res.headers.get('last-modified');
      const lastModified = lm ? new Date(lm) : undefined;
      return {
        body: Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>),
        ...(lastModified && !Number.isNaN(lastModified.getTime()) ? { lastModified } : {}),
      };
    },
  };
}

/** RUNs that use a `locked` or `private` cache, one at a time per cache id, across the daemon's builds. */
const cacheLocks = new KeyedMutex();

/** A RUN --mount as a container mount; a cache's directory is made on first use with its mode and owner. */
async function mountSpec(cacheRoot: string, m: RunMount): Promise<MountSpec> {
  switch (m.type) {
    case 'bind':
      return { Type: 'bind', Source: m.source, Target: m.target, ReadOnly: m.readonly };
    case 'tmpfs':
      return { Type: 'tmpfs', Target: m.target, ...(m.size !== undefined ? { TmpfsOptions: { SizeBytes: m.size } } : {}) };
    default: {
      const dir = join(cacheRoot, createHash('sha256').update(m.id).digest('hex'));
      await mkdir(cacheRoot, { recursive: true, mode: 0o700 });
      const made = await mkdir(dir, { mode: m.mode }).then(() => true, (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        return false;
      });
      if (made) await chown(dir, m.uid, m.gid);
      return { Type: 'bind', Source: dir, Target: m.target, ReadOnly: m.readonly };
    }
  }
}

/**
 * What runc made for RUN --mount targets missing from the image (the target and any parents
 * it had to create) stays out of the step's layer, as BuildKit's mount stubs do, while still
 * empty: only the command's own files count.
 */
async function removeMountStubs(upper: string, lowers: readonly string[], targets: readonly string[]): Promise<void> {
  const inLower = (rel: string) => Promise.any(lowers.map((l) => lstat(join(l, rel)))).then(() => true, () => false);
  for (const target of [...targets].sort().reverse()) {
    for (let rel = target.replace(/^\/+|\/+$/g, ''); rel !== '' && rel !== '.'; rel = dirname(rel) === '.' ? '' : dirname(rel)) {
      const st = await lstat(join(upper, rel)).catch(() => null);
      if (!st || (await inLower(rel))) break;
      const empty = st.isDirectory() ? (await readdir(join(upper, rel))).length === 0 : st.isFile() && st.size === 0;
      if (!empty) break;
      await (st.isDirectory() ? rmdir(join(upper, rel)) : rm(join(upper, rel)));
    }
  }
}
