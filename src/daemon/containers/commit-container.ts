import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DigestStream, packDirectory } from '../../archive/index.js';
import { InvalidArgument, NotFound, messageOf } from '../../core/errors.js';
import type { ContainerConfig, ImageConfig } from '../../core/image-config.js';
import { MediaType } from '../../core/mediatypes.js';
import { parseRepositoryAndTag, type Reference } from '../../core/reference.js';
import type { ContainerCreateConfig } from '../../core/wire/containers.js';
import type { CommitRequest } from '../../core/wire/container-fs.js';
import { applyChanges } from '../../images/changes.js';
import { configBytes, readConfig, storeImage } from '../../images/create-image.js';
import type { DaemonContext } from '../context.js';
import { mountPointArtifacts } from './container-changes.js';

export type CommitInput = CommitRequest;

/** The image-config fields a container config carries over into a committed image. */
const IMAGE_FIELDS = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Volumes', 'WorkingDir', 'Labels', 'StopSignal', 'Healthcheck', 'OnBuild', 'Shell', 'ArgsEscaped'] as const;

function asCommand(v: string[] | string | null | undefined): string[] | null | undefined {
  return typeof v === 'string' ? ['/bin/sh', '-c', v] : v;
}

function imageFields(src: ContainerCreateConfig | undefined, into: ContainerConfig): ContainerConfig {
  if (!src) return into;
  const out: Record<string, unknown> = { ...into };
  for (const k of IMAGE_FIELDS) {
    const v = src[k];
    if (v === undefined) continue;
    out[k] = k === 'Cmd' || k === 'Entrypoint' ? asCommand(v as string[] | string | null) : v;
  }
  return out as ContainerConfig;
}

/**
 * POST /commit: the container's upper dir becomes one new layer on top of its image.
 * The layer tar streams through a hash (its DiffID) and gzip into the content store;
 * the image is then stored like any other, so `docker run` of it unpacks the layer
 * from the blob. An empty upper dir still makes a (near empty) layer, as Docker does.
 */
export async function commitContainer(ctx: DaemonContext, input: CommitInput): Promise<{ Id: string }> {
  const c = ctx.containers.store.get(input.container);
  const ref: Reference | undefined = input.repo ? parseRepositoryAndTag(input.repo, input.tag || undefined) : undefined;
  if (ref?.digest) throw new InvalidArgument('refusing to create a tag with a digest reference');
  const parentRecord = ctx.images.store.get(c.Image);
  if (!parentRecord) throw new NotFound(`No such image: ${c.Image}`);
  const parent = await readConfig(ctx.images, c.Image);
  const runtime = applyChanges(imageFields(input.config, imageFields(c.Config, { ...(parent.config ?? {}) })), input.changes);

  const { snapshots } = ctx.images;
  const upper = await snapshots.upperDir(c.SnapshotKey);
  const lowers = await snapshots.lowerDirs(c.SnapshotKey);
  const skip = await mountPointArtifacts(upper, lowers, c);
  const pause = input.pause && c.State.Running && !c.State.Paused;

  return ctx.writes.track(async () => {
    const diff = new DigestStream();
    const out = new PassThrough();
    const ingest = ctx.images.content.ingest(out, undefined, { signal: input.signal });
    if (pause) await ctx.containers.runtime.pause(c.Id);
    try {
      const tar = packDirectory(upper, { whiteouts: 'overlay-to-oci', include: (rel) => !skip.has(rel) });
      await Promise.all([pipeline(tar, diff, createGzip(), out, { signal: input.signal }), ingest]);
    } finally {
      if (pause) {
        await ctx.containers.runtime.resume(c.Id).catch((err: unknown) => ctx.logger.error('resuming container after commit failed', { id: c.Id, error: messageOf(err) }));
      }
    }
    const blob = await ingest;
    const now = new Date().toISOString();
    const cmd = asCommand(c.Config.Cmd) ?? [c.Path, ...c.Args];
    const config: ImageConfig = {
      architecture: parent.architecture,
      os: parent.os,
      ...(parent.variant ? { variant: parent.variant } : {}),
      created: now,
      ...(input.author ? { author: input.author } : {}),
      config: runtime,
      container: c.Id,
      ...(input.comment ? { comment: input.comment } : {}),
      rootfs: { type: 'layers', diff_ids: [...parent.rootfs.diff_ids, diff.digest()] },
      history: [
        ...(parent.history ?? []),
        {
          created: now,
          created_by: cmd.join(' '),
          ...(input.author ? { author: input.author } : {}),
          ...(input.comment ? { comment: input.comment } : {}),
        },
      ],
    };
    const rec = await storeImage(ctx.images, {
      config: configBytes(config),
      layers: [...parentRecord.layers, { mediaType: MediaType.OciLayerGzip, digest: blob.digest, size: blob.size }],
      parent: c.Image,
      signal: input.signal,
    });
    if (ref) await ctx.images.store.tag(ref, rec.id);
    return { Id: rec.id };
  });
}
