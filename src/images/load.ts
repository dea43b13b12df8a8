import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { detachableEntry, type EntryLike } from './tar-entry-stream.js';
import { pipeline } from 'node:stream/promises';
import * as tarStream from 'tar-stream';
import type { Digest } from '../core/digest.js';
import { digestFromHex, isDigest } from '../core/digest.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../core/descriptor.js';
import { InvalidArgument } from '../core/errors.js';
import { isIndexMediaType, MediaType } from '../core/mediatypes.js';
import { parseReference, familiarString } from '../core/reference.js';
import type { Reference } from '../core/reference.js';
import { decompressStream, detectCompression } from '../archive/index.js';
import type { ImageDeps } from './deps.js';
import { storeImage } from './create-image.js';

/** JSON files of an archive are small; anything bigger is not what we expect there. */
const MAX_METADATA = 8 << 20;

export interface LoadedImage {
  id: Digest;
  /** Familiar references that now point at it (`busybox:latest`). */
  tags: string[];
}

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * `docker load`: a Docker archive (manifest.json, also the older layout with
 * `<id>/layer.tar`) or an OCI image layout (index.json), plain or compressed.
 * Every file streams into the content store as it passes; only the small JSON
 * metadata is kept in memory. Images are recorded after all their layers were
 * unpacked and verified against the config's DiffIDs.
 */
export async function loadImages(deps: ImageDeps, source: Readable, signal?: AbortSignal): Promise<LoadedImage[]> {
  const files = new Map<string, Digest>();
  const links = new Map<string, string>();
  const metadata = new Map<string, Buffer>();
  const extract = tarStream.extract();

  extract.on('entry', (header, stream, next) => {
    const name = posix.normalize(header.name).replace(/^\.\/+/, '').replace(/\/$/, '');
    const done = (err?: unknown) => (err ? next(err instanceof Error ? err : new Error(String(err))) : next());
    if (header.type === 'symlink' || header.type === 'link') {
      const target = header.linkname ?? '';
      links.set(name, header.type === 'symlink' ? posix.join(posix.dirname(name), target) : posix.normalize(target));
      stream.resume();
      stream.on('end', () => done());
      return;
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      stream.resume();
      stream.on('end', () => done());
      return;
    }
    const blobMatch = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
    const size = header.size ?? 0;
    const isMeta = !blobMatch && (name.endsWith('.json') || name === 'repositories' || name === 'oci-layout' || name.endsWith('/json') || name.endsWith('/VERSION'));
    if (isMeta) {
      if (size > MAX_METADATA) {
        stream.resume();
        done(new InvalidArgument(`archive file ${name} is too large for metadata (${size} bytes)`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('error', done);
      stream.on('end', () => {
        const buf = Buffer.concat(chunks);
        metadata.set(name, buf);
        deps.content.put(buf).then((info) => {
          files.set(name, info.digest);
          done();
        }, done);
      });
      return;
    }
    const expected = blobMatch ? { digest: digestFromHex(blobMatch[1]!), size } : { size };
    const { readable, drained } = detachableEntry(stream as unknown as EntryLike);
    Promise.all([deps.content.ingest(readable, expected, { signal }), drained]).then(([info]) => {
      files.set(name, info.digest);
      done();
    }, done);
  });

  await pipeline(decompressStream(source), extract, { signal });

  const resolveFile = (path: string): Digest => {
    let p = posix.normalize(path);
    for (let hops = 0; hops < 16 && !files.has(p) && links.has(p); hops++) p = links.get(p)!;
    const d = files.get(p);
    if (!d) throw new InvalidArgument(`invalid archive: ${path} is referenced but not present`);
    return d;
  };

  const manifestJson = metadata.get('manifest.json');
  if (manifestJson) return loadDockerArchive(deps, parseJson<DockerManifestEntry[]>(manifestJson, 'manifest.json'), resolveFile, metadata, signal);
  const indexJson = metadata.get('index.json');
  if (indexJson) return loadOciLayout(deps, parseJson<ImageIndex>(indexJson, 'index.json'), signal);
  throw new InvalidArgument('invalid archive: neither manifest.json nor index.json found (is this a docker save or OCI layout tar?)');
}

function parseJson<T>(buf: Buffer, what: string): T {
  try {
    return JSON.parse(buf.toString('utf8')) as T;
  } catch (err) {
    throw new InvalidArgument(`invalid archive: ${what} is not valid JSON`, { cause: err });
  }
}

async function layerDescriptor(deps: ImageDeps, digest: Digest): Promise<Descriptor> {
  const info = await deps.content.info(digest);
  const head = await readHead(deps, digest);
  const mediaType = detectCompression(head) === 'gzip' ? MediaType.OciLayerGzip : MediaType.OciLayer;
  return { mediaType, digest, size: info.size };
}

async function readHead(deps: ImageDeps, digest: Digest): Promise<Buffer> {
  const stream = await deps.content.read(digest);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let len = 0;
    stream.on('data', (c: Buffer) => {
      chunks.push(c);
      len += c.length;
      if (len >= 16) stream.destroy();
    });
    stream.on('close', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

async function tagAll(deps: ImageDeps, id: Digest, refs: Reference[]): Promise<string[]> {
  const tags: string[] = [];
  for (const ref of refs) {
    await deps.store.tag(ref, id);
    tags.push(familiarString(ref));
  }
  return tags;
}

async function loadDockerArchive(
  deps: ImageDeps,
  entries: DockerManifestEntry[],
  resolveFile: (p: string) => Digest,
  metadata: Map<string, Buffer>,
  signal?: AbortSignal,
): Promise<LoadedImage[]> {
  if (!Array.isArray(entries)) throw new InvalidArgument('invalid archive: manifest.json is not a list');
  const loaded: LoadedImage[] = [];
  for (const entry of entries) {
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers)) {
      throw new InvalidArgument('invalid archive: manifest.json entry lacks Config or Layers');
    }
    const refs = (entry.RepoTags ?? []).map((t) => parseReference(t));
    const configDigest = resolveFile(entry.Config);
    const config = metadata.get(posix.normalize(entry.Config)) ?? (await deps.content.readBytes(configDigest));
    const layers = await Promise.all(entry.Layers.map((l) => layerDescriptor(deps, resolveFile(l))));
    const record = await storeImage(deps, { config, layers, signal });
    loaded.push({ id: record.id, tags: await tagAll(deps, record.id, refs) });
  }
  return loaded;
}

function isLinuxAmd64(d: Descriptor): boolean {
  return !d.platform || (d.platform.os === 'linux' && d.platform.architecture === 'amd64');
}

/** Tag named by an OCI layout's annotations, if any. */
function refFromAnnotations(d: Descriptor): Reference | undefined {
  const full = d.annotations?.['io.containerd.image.name'];
  const short = d.annotations?.['org.opencontainers.image.ref.name'];
  const candidate = full ?? (short && /[/:]/.test(short) ? short : undefined);
  if (!candidate) return undefined;
  try {
    return parseReference(candidate);
  } catch {
    return undefined;
  }
}

async function loadOciLayout(deps: ImageDeps, index: ImageIndex, signal?: AbortSignal): Promise<LoadedImage[]> {
  if (!Array.isArray(index.manifests)) throw new InvalidArgument('invalid OCI layout: index.json has no manifests');
  const loaded: LoadedImage[] = [];
  for (const top of index.manifests) {
    let desc = top;
    for (let depth = 0; isIndexMediaType(desc.mediaType) && depth < 4; depth++) {
      const nested = JSON.parse((await deps.content.readBytes(desc.digest)).toString('utf8')) as ImageIndex;
      const pick = nested.manifests.find(isLinuxAmd64);
      if (!pick) throw new InvalidArgument(`no linux/amd64 image in index ${desc.digest}`);
      desc = pick;
    }
    if (!isDigest(desc.digest)) throw new InvalidArgument(`invalid digest in OCI layout: ${String(desc.digest)}`);
    const manifest = JSON.parse((await deps.content.readBytes(desc.digest)).toString('utf8')) as ImageManifest;
    const config = await deps.content.readBytes(manifest.config.digest);
    const record = await storeImage(deps, { config, layers: manifest.layers, manifestDigest: desc.digest, signal });
    const ref = refFromAnnotations(top);
    loaded.push({ id: record.id, tags: await tagAll(deps, record.id, ref ? [ref] : []) });
  }
  return loaded;
}
