import { readBody } from '../../registry/client/http.js';
import type { Digest } from '../../core/digest.js';
import type { ImageIndex, Platform } from '../../core/descriptor.js';
import { InvalidArgument, NotFound } from '../../core/errors.js';
import type { ImageConfig } from '../../core/image-config.js';
import { formatPlatform, HOST_PLATFORM, parsePlatform, platformMatches } from '../../core/platform.js';
import type { ProgressSink } from '../../core/progress.js';
import {
  familiarName,
  familiarString,
  formatReference,
  parseReference,
  parseRepositoryAndTag,
  repositoryOf,
  type Reference,
} from '../../core/reference.js';
import type { AuthConfig } from '../../core/wire/registry-auth.js';
import { storeImage } from '../../images/create-image.js';
import { isIndex, parseIndex, parseManifest, selectPlatform, type RegistryRepository } from '../../registry/client/index.js';
import type { DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';
import { pullLayers } from './pull-layers.js';
import { onRepository } from './registry-access.js';

/** Image configs are small JSON documents. */
const CONFIG_LIMIT = 8 << 20;

export interface PullInput {
  /** `busybox`, `127.0.0.1:5000/x:1`, `x@sha256:…` (the API's fromImage). */
  fromImage: string;
  /** Tag or digest; empty with an untagged fromImage pulls every tag (`pull -a`). */
  tag?: string;
  platform?: string;
  auth: AuthConfig;
  signal?: AbortSignal;
  progress: ProgressSink;
}

/**
 * POST /images/create?fromImage=: pulls one tag, a digest, or every tag of a
 * repository, reporting progress as Docker does. An image is recorded only once its
 * config, manifest and every layer are stored and unpacked.
 */
export async function pullImageUseCase(ctx: DaemonContext, input: PullInput): Promise<void> {
  const named = parseReference(input.fromImage, { defaultTag: false });
  const allTags = !input.tag && named.tag === undefined && named.digest === undefined;
  const ref = allTags ? named : parseRepositoryAndTag(input.fromImage, input.tag || undefined);
  const platform = input.platform ? parsePlatform(input.platform) : undefined;
  await ctx.writes.track(() =>
    onRepository(ctx, ref, 'pull', input.auth, input.signal, async (repo) => {
      if (!allTags) {
        const r = await pullOne(ctx, repo, ref, platform, input);
        input.progress({ status: `Digest: ${r.digest}` });
        input.progress({ status: `Status: ${r.updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(ref)}` });
        return;
      }
      const tags = await repo.listTags(input.signal);
      if (tags.length === 0) throw new NotFound(`no tags found for ${familiarName(ref)}`);
      let updated = false;
      for (const tag of tags) {
        const r = await pullOne(ctx, repo, { domain: ref.domain, path: ref.path, tag }, platform, input);
        input.progress({ status: `Digest: ${r.digest}` });
        updated ||= r.updated;
      }
      input.progress({ status: `Status: ${updated ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(ref)}` });
    }),
  );
}

async function pullOne(
  ctx: DaemonContext,
  repo: RegistryRepository,
  ref: Reference,
  platform: Platform | undefined,
  input: PullInput,
): Promise<{ digest: Digest; updated: boolean }> {
  const { signal, progress } = input;
  const deps = ctx.images;
  const wanted = ref.digest ?? ref.tag!;
  const top = await repo.getManifest(wanted, signal).catch((err: unknown) => {
    if (err instanceof NotFound) throw new NotFound(`manifest for ${familiarString(ref)} not found: ${err.message}`, { cause: err });
    throw err;
  });
  // After the manifest, as Docker: a missing image is a plain error reply, not a started stream.
  progress({ id: wanted, status: `Pulling from ${ref.path}` });
  let manifestBytes = top.bytes;
  let manifestType = top.mediaType;
  let manifestDigest = top.digest;
  if (isIndex(top.mediaType)) {
    const index: ImageIndex = parseIndex(top.bytes);
    const pick = selectPlatform(index, platform ?? HOST_PLATFORM);
    const m = await repo.getManifest(pick.digest, signal);
    [manifestBytes, manifestType, manifestDigest] = [m.bytes, m.mediaType, m.digest];
  }
  const manifest = parseManifest(manifestBytes, manifestType);
  const configBytes = await fetchConfig(ctx, repo, manifest.config.digest, manifest.config.size, signal);
  const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
  if (platform && !platformMatches(platform, { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) })) {
    throw new NotFound(
      `image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${formatPlatform(platform)}, actual: ${formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant })}`,
    );
  }
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new InvalidArgument(`invalid image: manifest has ${manifest.layers.length} layers but the config lists ${diffIds.length} diff IDs`);
  }
  const id = manifest.config.digest;
  const existed = deps.store.get(id) !== undefined;
  const wasTagged = ref.tag === undefined || deps.store.tryResolve(formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag })) === id;

  // As Docker: an image already here (by config digest) transfers nothing and shows no layer lines.
  if (!existed) await pullLayers({ deps, repo, layers: manifest.layers, diffIds, progress, signal, attempts: ctx.registry?.maxDownloadAttempts });
  // Manifests are kept so the image pushes back byte for byte (same digest).
  await deps.content.put(manifestBytes, { digest: manifestDigest });
  const record = await storeImage(deps, {
    config: configBytes,
    layers: manifest.layers,
    manifestDigest,
    repoDigests: [`${repositoryOf(ref)}@${top.digest}`],
    signal,
  });
  if (ref.tag !== undefined) await deps.store.tag({ domain: ref.domain, path: ref.path, tag: ref.tag }, record.id);
  emitImageEvent(ctx, record.id, 'pull', familiarString(ref));
  return { digest: top.digest, updated: !existed || !wasTagged };
}

/** The config blob, from the store when present, else fetched and verified. */
async function fetchConfig(ctx: DaemonContext, repo: RegistryRepository, digest: Digest, size: number, signal?: AbortSignal): Promise<Buffer> {
  if (await ctx.images.content.has(digest)) return ctx.images.content.readBytes(digest);
  if (size > CONFIG_LIMIT) throw new InvalidArgument(`image config ${digest} is too large (${size} bytes)`);
  const res = await repo.getBlob(digest, signal);
  const bytes = await readBody(res, CONFIG_LIMIT);
  await ctx.images.content.put(bytes, { digest }).catch((err: unknown) => {
    throw new InvalidArgument(`failed to pull blob ${digest}: ${(err as Error).message}`, { cause: err });
  });
  return bytes;
}
