import { pipeline } from 'node:stream/promises';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';

/**
 * Renames the first path element `from` to `to` in every entry of a tar stream (and in
 * hardlink targets), as Docker's TarResourceRebase does when `docker cp` asks for a
 * path whose last element is a followed symlink. Entries are re-encoded by tar-stream,
 * so PAX values pass as text: a binary xattr value may not survive, which is why this
 * is only used when a rename is actually needed.
 *
 * @example
 *   rebaseTar(packDirectory(parent, { include }), 'target', 'link-name');
 */
export function rebaseTar(source: Readable, from: string, to: string): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  const out = new PassThrough();
  // An empty `from` prefixes every name with `to` (`x` → `/x`), as Docker names a root's entries.
  const rename = (name: string) =>
    from === '' ? to + name : name === from || name.startsWith(`${from}/`) ? to + name.slice(from.length) : name;
  extract.on('entry', (header, stream, next) => {
    const h = { ...header, name: rename(header.name) };
    if (h.type === 'link' && h.linkname) h.linkname = rename(h.linkname);
    if (h.pax) {
      const pax: Record<string, string> = { ...(h.pax as Record<string, string>) };
      delete pax.path;
      delete pax.linkpath;
      h.pax = Object.keys(pax).length > 0 ? pax : null;
    }
    stream.pipe(pack.entry(h, (err) => next(err ?? undefined)));
  });
  extract.on('finish', () => pack.finalize());
  pipeline(source, extract).catch((err: unknown) => out.destroy(err as Error));
  pipeline(pack, out).catch((err: unknown) => out.destroy(err as Error));
  out.on('close', () => source.destroy());
  return out;
}
