import * as tarStream from 'tar-stream';
import { createHash } from 'node:crypto';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  body?: string | Buffer;
  linkname?: string;
  mode?: number;
}

/** Builds a tar in memory; test fixtures are tiny, so buffering is fine here. */
export async function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    const type = e.type ?? 'file';
    const header = { name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), mtime: new Date(0) };
    await new Promise<void>((res, rej) => {
      const cb = (err?: Error | null) => (err ? rej(err) : res());
      if (type === 'file') pack.entry(header, e.body ?? '', cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * A Docker archive (manifest.json + blobs) holding one image with the given
 * layer tars; `diffIds` default to the layers' true digests.
 */
export async function dockerArchive(layers: Buffer[], opts: { tag?: string; diffIds?: string[]; blobNames?: string[] } = {}): Promise<Buffer> {
  const diffIds = opts.diffIds ?? layers.map((l) => `sha256:${sha256(l)}`);
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: diffIds }, history: [] });
  const configName = `blobs/sha256/${sha256(config)}`;
  const layerNames = layers.map((l, i) => opts.blobNames?.[i] ?? `blobs/sha256/${sha256(l)}`);
  const manifest = JSON.stringify([{ Config: configName, RepoTags: opts.tag ? [opts.tag] : [], Layers: layerNames }]);
  return makeTar([
    { name: configName, body: config },
    ...layers.map((l, i) => ({ name: layerNames[i]!, body: l })),
    { name: 'manifest.json', body: manifest },
  ]);
}
