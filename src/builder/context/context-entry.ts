/** One path of a build's source tree (the context, a stage's rootfs, a heredoc). */
export interface SourceEntry {
  /** Clean path relative to the tree's root: `src/a.txt`, no leading or trailing slash. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  /** Permission bits (and setuid/setgid/sticky), no file-type bits. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Milliseconds since the epoch. */
  mtime: number;
  linkname?: string;
}

/** A tree COPY/ADD reads from. Paths are clean relative paths; '' is the root. */
export interface SourceTree {
  /** What `COPY` names in history for sources of this tree (`context`, a stage name). */
  readonly label: string;
  /** The entry at `path` without following a final symlink; undefined if absent. */
  stat(path: string): Promise<SourceEntry | undefined>;
  /** Names in directory `path`, sorted. */
  list(path: string): Promise<string[]>;
  /** A file's content. */
  open(path: string): Promise<import('node:stream').Readable>;
  /** A small file's whole content (COPY reads files under a size limit this way: fewer round trips). */
  readAll(path: string): Promise<Buffer>;
  /** Follows symlinks inside the tree (never out of it) to the path they lead to. */
  resolve(path: string): Promise<string>;
}

/** Cleans a user-given source path against a tree root: no leading `/`, `..` stops at the root. */
export function cleanRelative(p: string): string {
  const out: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return out.join('/');
}
