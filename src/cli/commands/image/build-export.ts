import { createWriteStream } from 'node:fs';
import { mkdir, rm, symlink, link, utimes, lutimes } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { EngineClient } from '../../../client/engine-client.js';

/** `-o type=local,dest=DIR` (and the short `-o DIR`): where to put the result's files. */
export function parseOutput(spec: string): string {
  if (!spec.includes('=')) return spec;
  const kv = new Map(spec.split(',').map((p) => p.split('=', 2) as [string, string]));
  const type = kv.get('type') ?? 'local';
  if (type !== 'local') throw new Error(`output type ${type} is not supported by berth build (only type=local)`);
  const dest = kv.get('dest');
  if (!dest) throw new Error('dest is required for local output');
  return dest;
}

/** Writes an export tar under `dest`, refusing names that would leave it. */
async function extractTo(source: Readable, dest: string): Promise<void> {
  const root = resolve(dest);
  const inside = (name: string) => {
    const p = resolve(root, name);
    if (p !== root && !p.startsWith(`${root}/`)) throw new Error(`refusing to write ${name} outside ${dest}`);
    return p;
  };
  const extract = tar.extract();
  const feeding = pipeline(source, extract);
  feeding.catch(() => undefined);
  const dirTimes: Array<[string, Date]> = [];
  for await (const entry of extract) {
    const h = entry.header;
    const p = inside(h.name);
    const mtime = h.mtime ?? new Date();
    if (h.type === 'directory') {
      await mkdir(p, { recursive: true, mode: h.mode ?? 0o755 });
      dirTimes.push([p, mtime]);
      entry.resume();
      continue;
    }
    await mkdir(dirname(p), { recursive: true });
    await rm(p, { force: true, recursive: true });
    if (h.type === 'file' || h.type === 'contiguous-file') {
      await pipeline(entry as unknown as Readable, createWriteStream(p, { mode: h.mode ?? 0o644 }));
      await utimes(p, mtime, mtime);
      continue;
    }
    if (h.type === 'symlink') await symlink(h.linkname ?? '', p).then(() => lutimes(p, mtime, mtime));
    else if (h.type === 'link') await link(inside(h.linkname ?? ''), p);
    // Devices and fifos need privileges the local exporter does not assume; skip them.
    entry.resume();
  }
  await feeding;
  for (const [p, t] of dirTimes.reverse()) await utimes(p, t, t).catch(() => undefined);
}

/**
 * The local exporter: a container of the built image is created (never started), its
 * filesystem exported through the API and written under `dest`, then removed.
 */
export async function exportImageFiles(client: EngineClient, image: string, dest: string): Promise<void> {
  const { Id } = await client.containerCreate({ Image: image, Cmd: ['/berth-export'], Entrypoint: [] });
  try {
    await mkdir(join(dest), { recursive: true });
    await extractTo(await client.containerExport(Id), dest);
  } finally {
    await client.containerRemove(Id, { force: true }).catch(() => undefined);
  }
}
