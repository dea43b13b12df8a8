import type { Descriptor, ImageIndex, ImageManifest, Platform } from '../../core/descriptor.js';
import { isDigest } from '../../core/digest.js';
import { InvalidArgument, NotFound } from '../../core/errors.js';
import { isIndexMediaType, isManifestMediaType, MediaType } from '../../core/mediatypes.js';
import { formatPlatform, platformMatches } from '../../core/platform.js';

/** Docker schema 1 manifests (signed, pre-2016) are not pulled, as Docker 28 no longer does. */
const SCHEMA1 = ['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws'];

export function isIndex(mediaType: string): boolean {
  return isIndexMediaType(mediaType);
}

function checkDescriptor(d: unknown, what: string): Descriptor {
  const desc = d as Partial<Descriptor> | null;
  if (!desc || typeof desc.digest !== 'string' || !isDigest(desc.digest) || typeof desc.size !== 'number' || desc.size < 0) {
    throw new InvalidArgument(`invalid ${what} in manifest: missing or bad digest/size`);
  }
  return { ...desc, mediaType: typeof desc.mediaType === 'string' ? desc.mediaType : '' } as Descriptor;
}

/**
 * Parses and checks an image manifest (Docker schema 2 or OCI): every descriptor has a
 * sha256 digest and a size, so nothing later trusts an unchecked string as a path.
 */
export function parseManifest(bytes: Buffer, mediaType: string): ImageManifest {
  if (SCHEMA1.includes(mediaType)) {
    throw new InvalidArgument('Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed');
  }
  if (!isManifestMediaType(mediaType)) throw new InvalidArgument(`unsupported manifest media type: ${mediaType}`);
  const m = JSON.parse(bytes.toString('utf8')) as Partial<ImageManifest>;
  if (m.schemaVersion !== 2 || !Array.isArray(m.layers)) throw new InvalidArgument('invalid manifest: not schema version 2 with layers');
  const config = checkDescriptor(m.config, 'config');
  const layers = m.layers.map((l) => checkDescriptor(l, 'layer'));
  return { ...m, schemaVersion: 2, mediaType, config, layers } as ImageManifest;
}

export function parseIndex(bytes: Buffer): ImageIndex {
  const idx = JSON.parse(bytes.toString('utf8')) as Partial<ImageIndex>;
  if (!Array.isArray(idx.manifests)) throw new InvalidArgument('invalid image index: no manifests');
  return { ...idx, schemaVersion: 2, manifests: idx.manifests.map((d) => checkDescriptor(d, 'manifest')) } as ImageIndex;
}

/**
 * The index entry for a platform, as Docker: the first manifest whose platform
 * matches (attestation manifests, `unknown/unknown`, never match).
 * @throws NotFound(`no matching manifest for linux/arm64 in the manifest list entries`)
 */
export function selectPlatform(index: ImageIndex, want: Platform): Descriptor {
  const pick = index.manifests.find((d) => d.platform !== undefined && isManifestMediaType(d.mediaType || MediaType.OciManifest) && platformMatches(want, d.platform));
  if (!pick) throw new NotFound(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
  return pick;
}
