import type { ImageInspect, ImageSummary } from '../../core/wire/images.js';
import type { ImageConfig } from '../../core/image-config.js';
import { familiarString, parseReference } from '../../core/reference.js';
import type { ImageRecord } from '../../images/image-record.js';
import type { ImageStore } from '../../images/image-store.js';

export function familiarTags(store: ImageStore, rec: ImageRecord): string[] {
  return store.tagsOf(rec.id).map((t) => familiarString(parseReference(t)));
}

export function familiarDigests(rec: ImageRecord): string[] {
  return rec.repoDigests.map((d) => familiarString(parseReference(d)));
}

/** Sum of the image's unpacked layer sizes, as Docker's SIZE. */
export function imageSize(store: ImageStore, rec: ImageRecord): number {
  return rec.chainIds.reduce((n, c) => n + (store.layer(c)?.size ?? 0), 0);
}

export function createdSeconds(config: ImageConfig): number {
  const t = config.created ? Date.parse(config.created) : NaN;
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

export function toSummary(store: ImageStore, rec: ImageRecord, config: ImageConfig, containers: number, apiVersion: number): ImageSummary {
  const size = imageSize(store, rec);
  const s: ImageSummary = {
    Id: rec.id,
    ParentId: rec.parent ?? '',
    RepoTags: familiarTags(store, rec),
    RepoDigests: familiarDigests(rec),
    Created: createdSeconds(config),
    Size: size,
    SharedSize: -1,
    Labels: config.config?.Labels ?? {},
    Containers: containers,
  };
  if (apiVersion < 1.44) s.VirtualSize = size;
  return s;
}

export function toInspect(
  store: ImageStore,
  rec: ImageRecord,
  config: ImageConfig,
  graph: Record<string, string> | null,
  apiVersion: number,
): ImageInspect {
  const size = imageSize(store, rec);
  const out: ImageInspect = {
    Id: rec.id,
    RepoTags: familiarTags(store, rec),
    RepoDigests: familiarDigests(rec),
    Parent: rec.parent ?? '',
    Comment: config.comment ?? (config.history?.length ? (config.history[config.history.length - 1]?.comment ?? '') : ''),
    Created: config.created ?? new Date(0).toISOString(),
    DockerVersion: config.docker_version ?? '',
    Author: config.author ?? '',
    Config: config.config ?? null,
    Architecture: config.architecture,
    Os: config.os,
    Size: size,
    GraphDriver: { Name: 'overlay2', Data: graph },
    RootFS: { Type: 'layers', Layers: rec.diffIds },
    Metadata: { LastTagTime: rec.lastTagTime ?? '0001-01-01T00:00:00Z' },
  };
  if (config.variant) out.Variant = config.variant;
  if (apiVersion < 1.44) out.VirtualSize = size;
  return out;
}
