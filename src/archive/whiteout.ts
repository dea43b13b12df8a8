import type { Stats } from 'node:fs';

/**
 * OCI whiteouts (image-spec layer.md) and their overlayfs equivalents.
 * In a tar: `.wh.<name>` deletes the sibling `<name>` from lower layers, and
 * `.wh..wh..opq` hides all lower content of its directory.
 * In an overlay upper dir: a 0/0 character device at `<name>`, and the xattr
 * `trusted.overlay.opaque=y` on the directory.
 */
export const WHITEOUT_PREFIX = '.wh.';
/** `.wh..wh.*` names are AUFS bookkeeping (plnk, aufs); only `.opq` means something. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const WHITEOUT_OPAQUE = '.wh..wh..opq';
export const OVERLAY_OPAQUE_XATTR = 'trusted.overlay.opaque';
/** overlayfs' own bookkeeping xattrs; never valid inside a layer tar. */
export const OVERLAY_XATTR_PREFIX = 'trusted.overlay.';

export function isOverlayWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}
