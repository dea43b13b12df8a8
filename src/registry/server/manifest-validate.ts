import { isDigest, type Digest } from '../../core/digest.js';
import { MediaType, isIndexMediaType, isManifestMediaType } from '../../core/mediatypes.js';
import { RegistryError } from './errors.js';

/** The parts of a pushed manifest the registry needs: what it references and what the referrers API shows. */
export interface ParsedManifest {
  mediaType: string;
  /** Blobs (config and layers) that must be in the repository; foreign layers with `urls` are not. */
  blobs: Digest[];
  /** Child manifests of an index, which must be in the repository. */
  manifests: Digest[];
  subject?: Digest;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const SUPPORTED = [MediaType.OciManifest, MediaType.OciIndex, MediaType.DockerManifest, MediaType.DockerManifestList] as const;
const SCHEMA1 = ['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws'];

function invalid(reason: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', reason, { message: `manifest invalid: ${reason}` });
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function descriptor(v: unknown, where: string): { mediaType: string; digest: Digest; urls: boolean } {
  if (!isObject(v)) throw invalid(`${where} is not a descriptor`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${where} has no mediaType`);
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw new RegistryError('DIGEST_INVALID', { digest }, { message: `invalid digest in ${where}: ${String(digest)}` });
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where} has an invalid size`);
  return { mediaType, digest, urls: Array.isArray(v.urls) && v.urls.length > 0 };
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined;
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * Checks that `bytes` is a schema 2 image manifest or index (Docker or OCI) whose
 * declared type agrees with `Content-Type`, and lists what it references.
 * Parameters on `Content-Type` are ignored, as the spec asks.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalid(`not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw invalid('not a JSON object');
  const header = contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
  const field = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (header && field && header !== field && header !== 'application/json') {
    throw invalid(`mediaType in manifest should be '${header}' not '${field}'`);
  }
  let mediaType = field ?? (header !== 'application/json' ? header : undefined);
  // OCI lets mediaType be left out; the shape tells an index from a manifest.
  mediaType ??= Array.isArray(doc.manifests) ? MediaType.OciIndex : MediaType.OciManifest;
  if (SCHEMA1.includes(mediaType) || doc.schemaVersion === 1) {
    throw new RegistryError('MANIFEST_INVALID', 'schema 1', { message: 'manifest invalid: schema 1 manifests are not supported' });
  }
  if (!(SUPPORTED as readonly string[]).includes(mediaType)) throw invalid(`unsupported manifest media type: ${mediaType}`);
  if (doc.schemaVersion !== 2) throw invalid('schemaVersion must be 2');

  const out: ParsedManifest = { mediaType, blobs: [], manifests: [] };
  if (doc.subject !== undefined) out.subject = descriptor(doc.subject, 'subject').digest;
  if (typeof doc.artifactType === 'string') out.artifactType = doc.artifactType;
  const annotations = stringMap(doc.annotations);
  if (annotations) out.annotations = annotations;

  if (isManifestMediaType(mediaType)) {
    const config = descriptor(doc.config, 'config');
    out.blobs.push(config.digest);
    if (!Array.isArray(doc.layers)) throw invalid('layers must be an array');
    doc.layers.forEach((l, i) => {
      const d = descriptor(l, `layers[${i}]`);
      if (!d.urls) out.blobs.push(d.digest);
    });
    // The referrers API shows the config's media type for artifacts without artifactType.
    out.artifactType ??= config.mediaType;
  } else if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw invalid('manifests must be an array');
    doc.manifests.forEach((m, i) => out.manifests.push(descriptor(m, `manifests[${i}]`).digest));
  }
  return out;
}
