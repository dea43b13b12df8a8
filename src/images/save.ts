import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tarStream from 'tar-stream';
import type { Digest } from '../core/digest.js';
import { digestHex } from '../core/digest.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../core/descriptor.js';
import { MediaType } from '../core/mediatypes.js';
import { familiarString, formatReference, parseReference } from '../core/reference.js';
import type { Reference } from '../core/reference.js';
import type { ImageDeps } from './deps.js';

export interface SaveTarget {
  id: Digest;
  refs: Reference[];
}

/**
 * Works out what `docker save NAME...` writes: a name with a tag (or an ID) saves
 * that image; a bare repository name saves every tag of that repository, as Docker does.
 */
export function resolveSaveTargets(deps: ImageDeps, names: readonly string[]): SaveTarget[] {
  const byId = new Map<Digest, Reference[]>();
  const add = (id: Digest, ref?: Reference) => {
    const refs = byId.get(id) ?? [];
    if (ref && !refs.some((r) => formatReference(r) === formatReference(ref))) refs.push(ref);
    byId.set(id, refs);
  };
  for (const name of names) {
    let bare: Reference | undefined;
    try {
      bare = parseReference(name, { defaultTag: false });
    } catch {
      bare = undefined;
    }
    if (bare && !bare.tag && !bare.digest) {
      const repo = formatReference(bare);
      const matches = [...deps.store.allTags()].filter(([full]) => full.startsWith(`${repo}:`));
      if (matches.length > 0) {
        for (const [full, id] of matches) add(id, parseReference(full));
        continue;
      }
    }
    const id = deps.store.resolve(name);
    let ref: Reference | undefined;
    try {
      const r = parseReference(name);
      if (!r.digest && deps.store.allTags().get(formatReference(r)) === id) ref = r;
    } catch {
      ref = undefined;
    }
    add(id, ref);
  }
  return [...byId].map(([id, refs]) => ({ id, refs }));
}

/**
 * Streams a Docker archive that is also an OCI image layout (the format of
 * Docker 25+): `blobs/sha256/*`, `index.json`, `oci-layout` and `manifest.json`.
 * Blobs are copied from the content store as they are (compressed layers stay
 * compressed; Docker's load decompresses them), each once.
 */
export function saveImages(deps: ImageDeps, targets: readonly SaveTarget[]): Readable {
  const pack = tarStream.pack();
  const out = new PassThrough();
  const written = new Set<Digest>();
  const mtime = new Date(0);

  const addBlob = async (digest: Digest): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    const info = await deps.content.info(digest);
    const entry = pack.entry({ name: `blobs/sha256/${digestHex(digest)}`, size: info.size, mode: 0o644, mtime });
    await pipeline(await deps.content.read(digest), entry);
  };
  const addFile = (name: string, body: string) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644, mtime }, body, (err) => (err ? reject(err) : resolve())));

  const run = async () => {
    pack.entry({ name: 'blobs/', type: 'directory', mode: 0o755, mtime });
    pack.entry({ name: 'blobs/sha256/', type: 'directory', mode: 0o755, mtime });
    const manifestJson: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
    for (const t of targets) {
      const rec = deps.store.get(t.id);
      if (!rec) throw new Error(`image ${t.id} disappeared while saving`);
      await addBlob(rec.id);
      for (const l of rec.layers) await addBlob(l.digest);
      let manifestDesc: Descriptor;
      if (rec.manifestDigest && (await deps.content.has(rec.manifestDigest))) {
        const bytes = await deps.content.readBytes(rec.manifestDigest);
        const m = JSON.parse(bytes.toString('utf8')) as ImageManifest;
        manifestDesc = { mediaType: m.mediaType ?? MediaType.OciManifest, digest: rec.manifestDigest, size: bytes.length };
      } else {
        const m: ImageManifest = {
          schemaVersion: 2,
          mediaType: MediaType.OciManifest,
          config: { mediaType: MediaType.OciConfig, digest: rec.id, size: rec.configSize },
          layers: rec.layers,
        };
        const info = await deps.content.put(JSON.stringify(m));
        manifestDesc = { mediaType: MediaType.OciManifest, digest: info.digest, size: info.size };
      }
      await addBlob(manifestDesc.digest);
      const refs = t.refs;
      if (refs.length === 0) index.manifests.push(manifestDesc);
      for (const r of refs) {
        index.manifests.push({
          ...manifestDesc,
          annotations: {
            'io.containerd.image.name': formatReference(r),
            'org.opencontainers.image.ref.name': r.tag ?? 'latest',
          },
        });
      }
      manifestJson.push({
        Config: `blobs/sha256/${digestHex(rec.id)}`,
        RepoTags: refs.map((r) => familiarString(r)),
        Layers: rec.layers.map((l) => `blobs/sha256/${digestHex(l.digest)}`),
      });
    }
    await addFile('index.json', JSON.stringify(index));
    await addFile('manifest.json', JSON.stringify(manifestJson));
    await addFile('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    pack.finalize();
  };
  // pipeline carries a failure either way: a broken blob read ends the archive
  // with an error, and a client that goes away stops the packing.
  pipeline(pack, out).catch(() => undefined);
  run().catch((err: unknown) => pack.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
