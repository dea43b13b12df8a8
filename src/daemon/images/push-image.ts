import type { Descriptor, ImageManifest } from '../../core/descriptor.js';
import { shortId, type Digest } from '../../core/digest.js';
import { InvalidArgument, NotFound } from '../../core/errors.js';
import { MediaType } from '../../core/mediatypes.js';
import type { ProgressSink } from '../../core/progress.js';
import { familiarName, formatReference, parseReference, parseTag, repositoryOf, type Reference } from '../../core/reference.js';
import type { AuthConfig } from '../../core/wire/registry-auth.js';
import type { ImageRecord } from '../../images/image-record.js';
import type { RegistryRepository } from '../../registry/client/index.js';
import { Semaphore } from '../../util/semaphore.js';
import type { DaemonContext } from '../context.js';
import { emitImageEvent } from '../events/emit.js';
import { byteProgress } from './progress-throttle.js';
import { compressedLayer, uploadBlob } from './push-blob.js';
import { onRepository } from './registry-access.js';

/** Docker's default max-concurrent-uploads. */
const UPLOAD_CONCURRENCY = 5;
/** Cross-repository mounts tried per layer before uploading. */
const MOUNT_CANDIDATES = 3;

export interface PushInput {
  name: string;
  /** One tag; empty pushes every local tag of the repository (`push -a`). */
  tag?: string;
  auth: AuthConfig;
  signal?: AbortSignal;
  progress: ProgressSink;
}

/**
 * POST /images/{name}/push: for each tag, the blobs the registry lacks (HEAD first,
 * then a cross-repository mount from a repository of the same registry known to hold
 * the blob, then an upload), then the manifest. The pushed manifest's digest becomes
 * a RepoDigest of the image.
 */
export async function pushImageUseCase(ctx: DaemonContext, input: PushInput): Promise<void> {
  const base = parseReference(input.name, { defaultTag: false });
  if (base.digest) throw new InvalidArgument('cannot push a digest reference');
  const repoName = { domain: base.domain, path: base.path };
  let refs: Reference[];
  if (input.tag) refs = [{ ...repoName, tag: parseTag(input.tag) }];
  else if (base.tag) refs = [base];
  else {
    const prefix = `${repositoryOf(base)}:`;
    refs = [...ctx.images.store.allTags().keys()].filter((k) => k.startsWith(prefix)).sort().map((k) => ({ ...repoName, tag: k.slice(prefix.length) }));
  }
  const targets = refs.map((ref) => ({ ref, id: ctx.images.store.tryResolve(formatReference(ref)) }));
  if (targets.length === 0 || targets.some((t) => t.id === undefined)) {
    throw new NotFound(`An image does not exist locally with the tag: ${familiarName(base)}`);
  }
  input.progress({ status: `The push refers to repository [${repositoryOf(base)}]` });
  await ctx.writes.track(() =>
    onRepository(ctx, base, 'push', input.auth, input.signal, async (repo) => {
      for (const t of targets) await pushOne(ctx, repo, t.ref, t.id!, input);
    }),
  );
}

async function pushOne(ctx: DaemonContext, repo: RegistryRepository, ref: Reference, id: Digest, input: PushInput): Promise<void> {
  const { progress, signal } = input;
  const deps = ctx.images;
  const rec = deps.store.get(id);
  if (!rec) throw new NotFound(`No such image: ${id}`);
  const ids = rec.diffIds.map((d) => shortId(d));
  const unique = [...new Set(ids)];
  for (const i of unique) progress({ id: i, status: 'Preparing' });
  const slots = new Semaphore(UPLOAD_CONCURRENCY);
  const started = new Map<string, Promise<Descriptor>>();
  const jobs = rec.layers.map((layer, i) => {
    const lineId = ids[i]!;
    const prior = started.get(layer.digest);
    if (prior) return prior;
    if (slots.full) progress({ id: lineId, status: 'Waiting' });
    const job = slots.run(() => pushLayer(ctx, repo, ref, layer, lineId, progress, signal));
    started.set(layer.digest, job);
    return job;
  });
  const settled = await Promise.allSettled(jobs);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const layers = settled.map((s) => (s as PromiseFulfilledResult<Descriptor>).value);

  if ((await repo.statBlob(rec.id, signal)) === undefined) {
    await uploadBlob(repo, deps.content, { digest: rec.id, size: rec.configSize }, { signal });
  }
  const { bytes, mediaType } = await manifestFor(ctx, rec, layers);
  await repo.putManifest(ref.tag!, bytes, mediaType, signal);
  const digest = (await deps.content.put(bytes)).digest;
  progress({ status: `${ref.tag}: digest: ${digest} size: ${bytes.length}` });
  progress({ status: '', aux: { Tag: ref.tag, Digest: digest, Size: bytes.length } });
  // The layers as pushed (compressed) and the manifest become the image's own, so the
  // next push sends the same bytes; the config, hence the image ID, is unchanged.
  await deps.store.put({ ...rec, layers, manifestDigest: digest, repoDigests: [`${repositoryOf(ref)}@${digest}`] }, []);
  emitImageEvent(ctx, rec.id, 'push', `${familiarName(ref)}:${ref.tag}`);
}

async function pushLayer(
  ctx: DaemonContext,
  repo: RegistryRepository,
  ref: Reference,
  stored: Descriptor,
  lineId: string,
  progress: ProgressSink,
  signal?: AbortSignal,
): Promise<Descriptor> {
  const deps = ctx.images;
  const layer = await compressedLayer(deps.content, stored, signal);
  if ((await repo.statBlob(layer.digest, signal)) !== undefined) {
    progress({ id: lineId, status: 'Layer already exists' });
    return layer;
  }
  let session;
  for (const from of mountSources(ctx, ref.domain, repo.path, layer.digest)) {
    const r = await repo.mountBlob(layer.digest, from, signal).catch(() => undefined);
    if (r?.mounted) {
      progress({ id: lineId, status: `Mounted from ${from}` });
      return layer;
    }
    if (r) {
      session = r.upload;
      break;
    }
  }
  const report = byteProgress(progress, lineId, 'Pushing', layer.size);
  progress({ id: lineId, status: 'Pushing', current: 0, total: layer.size });
  await uploadBlob(repo, deps.content, layer, { session, onBytes: report, signal });
  progress({ id: lineId, status: 'Pushed' });
  return layer;
}

/**
 * Other repositories of the same registry that hold a blob, known from the RepoDigests
 * of local images that have it (what Docker's v2 metadata service remembers).
 */
function mountSources(ctx: DaemonContext, domain: string, path: string, digest: Digest): string[] {
  const out = new Set<string>();
  for (const img of ctx.images.store.list()) {
    if (!img.layers.some((l) => l.digest === digest)) continue;
    for (const rd of img.repoDigests) {
      const r = parseReference(rd, { defaultTag: false });
      if (r.domain === domain && r.path !== path) out.add(r.path);
    }
    if (out.size >= MOUNT_CANDIDATES) break;
  }
  return [...out].slice(0, MOUNT_CANDIDATES);
}

/**
 * The manifest to push: the stored one byte for byte when it describes exactly these
 * blobs (a pulled or pushed image keeps its digest), else a Docker schema 2 manifest
 * as Docker writes it.
 */
async function manifestFor(ctx: DaemonContext, rec: ImageRecord, layers: Descriptor[]): Promise<{ bytes: Buffer; mediaType: string }> {
  if (rec.manifestDigest && (await ctx.images.content.has(rec.manifestDigest))) {
    const bytes = await ctx.images.content.readBytes(rec.manifestDigest);
    try {
      const m = JSON.parse(bytes.toString('utf8')) as ImageManifest;
      const same =
        m.config?.digest === rec.id &&
        Array.isArray(m.layers) &&
        m.layers.length === layers.length &&
        m.layers.every((l, i) => l.digest === layers[i]!.digest && l.size === layers[i]!.size);
      if (same) return { bytes, mediaType: m.mediaType ?? MediaType.OciManifest };
    } catch {
      // not a manifest we can reuse: write a fresh one
    }
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.DockerManifest,
    config: { mediaType: MediaType.DockerConfig, size: rec.configSize, digest: rec.id },
    layers: layers.map((l) => ({ mediaType: MediaType.DockerLayerGzip, size: l.size, digest: l.digest })),
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  return { bytes, mediaType: MediaType.DockerManifest };
}
