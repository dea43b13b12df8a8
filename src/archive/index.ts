export { DigestStream, verifyingStream, type ExpectedContent } from './digest-stream.js';
export { detectCompression, decompressStream, type Compression } from './compression.js';
export { applyLayer, type ApplyLayerOptions, type ApplyLayerResult } from './apply-layer.js';
export { packDirectory, type PackOptions } from './pack-dir.js';
export type { WhiteoutMode } from './layer-writer.js';
export { OVERLAY_OPAQUE_XATTR, WHITEOUT_OPAQUE, WHITEOUT_PREFIX, isOverlayWhiteout } from './whiteout.js';
export { coalesceStream, COALESCE_BYTES } from './coalesce-stream.js';
