import type { Digest } from '../core/digest.js';
import type { Descriptor, ImageManifest } from '../core/descriptor.js';
import type { ImageConfig } from '../core/image-config.js';
import { MediaType } from '../core/mediatypes.js';
import type { ImageDeps } from './deps.js';
import type { ImageRecord, LayerRecord } from './image-record.js';
import { chainIds } from './chain-id.js';
import { unpackLayers } from './unpack.js';

/** Canonical JSON bytes of a config as Berth writes it (key order as given, no spaces). */
export function configBytes(config: ImageConfig): Buffer {
  return Buffer.from(JSON.stringify(config));
}

export function ociManifestFor(configDesc: Descriptor, layers: readonly Descriptor[]): ImageManifest {
  return { schemaVersion: 2, mediaType: MediaType.OciManifest, config: configDesc, layers: [...layers] };
}

export interface StoreImageInput {
  /** Config bytes exactly as they must be hashed (the image ID is their digest). */
  config: Buffer;
  layers: readonly Descriptor[];
  manifestDigest?: Digest;
  repoDigests?: string[];
  parent?: Digest;
  signal?: AbortSignal;
}

/**
 * Stores config (and a manifest if none is given), unpacks the layers and writes
 * the image record last, so an image is only listed once everything it needs is
 * in place: a crash before that leaves blobs for GC, never a half image.
 */
export async function storeImage(deps: ImageDeps, input: StoreImageInput): Promise<ImageRecord> {
  const configInfo = await deps.content.put(input.config);
  const parsed = JSON.parse(input.config.toString('utf8')) as ImageConfig;
  const diffIds = parsed.rootfs?.diff_ids ?? [];
  const layerRecords: LayerRecord[] = await unpackLayers(deps, input.layers, diffIds, input.signal);
  let manifestDigest = input.manifestDigest;
  if (!manifestDigest) {
    const manifest = ociManifestFor({ mediaType: MediaType.OciConfig, digest: configInfo.digest, size: configInfo.size }, input.layers);
    manifestDigest = (await deps.content.put(JSON.stringify(manifest))).digest;
  }
  const record: ImageRecord = {
    id: configInfo.digest,
    manifestDigest,
    configSize: configInfo.size,
    layers: [...input.layers],
    diffIds: [...diffIds],
    chainIds: chainIds(diffIds),
    repoDigests: input.repoDigests ?? [],
    stored: new Date().toISOString(),
    parent: input.parent,
  };
  await deps.store.put(record, layerRecords);
  return deps.store.get(record.id) ?? record;
}

export async function readConfig(deps: ImageDeps, id: Digest): Promise<ImageConfig> {
  return JSON.parse((await deps.content.readBytes(id)).toString('utf8')) as ImageConfig;
}
