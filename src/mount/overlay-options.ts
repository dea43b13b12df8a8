import { dirname, isAbsolute, relative, sep } from 'node:path';
import { InvalidArgument } from '../core/errors.js';

/**
 * mount(2) copies at most one page of option data and needs the terminating NUL inside it,
 * so the `-o` string may be at most PAGE_SIZE - 1 bytes (x86_64 and arm64 with 4 KiB pages).
 */
export const MOUNT_DATA_LIMIT = 4095;

export interface PreparedOverlayOptions {
  options: string[];
  /** Directory mount(8) must run in when lowerdirs were made relative to it. */
  cwd?: string;
}

function optionsLength(options: string[]): number {
  return Buffer.byteLength(options.join(','));
}

/** Deepest directory containing every path, by whole path segments. */
function commonDir(paths: string[]): string {
  let parts = dirname(paths[0]!).split(sep);
  for (const p of paths.slice(1)) {
    const q = p.split(sep);
    let i = 0;
    while (i < parts.length && i < q.length - 1 && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

/**
 * Keeps overlay options under the kernel's one-page limit. Like containerd, when the
 * absolute form is too long the lowerdirs are rewritten relative to their common directory
 * and mount(8) runs with that directory as cwd; the kernel resolves relative lowerdirs
 * against the caller's cwd. upperdir and workdir stay absolute. Throws InvalidArgument
 * when even the compact form does not fit, so callers see why rather than mount's EINVAL.
 */
export function prepareOverlayOptions(options: string[]): PreparedOverlayOptions {
  const total = optionsLength(options);
  if (total <= MOUNT_DATA_LIMIT) return { options };

  const idx = options.findIndex((o) => o.startsWith('lowerdir='));
  const lowers = idx < 0 ? [] : options[idx]!.slice('lowerdir='.length).split(':');
  if (lowers.length > 1 && lowers.every(isAbsolute)) {
    const cwd = commonDir(lowers);
    const compact = [...options];
    compact[idx] = 'lowerdir=' + lowers.map((l) => relative(cwd, l)).join(':');
    if (optionsLength(compact) <= MOUNT_DATA_LIMIT) return { options: compact, cwd };
  }
  throw new InvalidArgument(
    `overlay mount options are ${total} bytes with ${lowers.length} lower layers, ` +
      `over the kernel limit of ${MOUNT_DATA_LIMIT} bytes even with relative lowerdirs; ` +
      'use a shorter data root or fewer layers',
  );
}
