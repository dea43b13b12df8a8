import type { Digest } from '../core/digest.js';
import type { Descriptor } from '../core/descriptor.js';

/**
 * What Berth keeps about one image besides its config blob. The image ID is the
 * config digest; layers are the blobs as stored (compressed or not), in order.
 */
export interface ImageRecord {
  id: Digest;
  /** Manifest blob in the content store, when there is one (pulled, loaded from OCI, or made by us). */
  manifestDigest?: Digest;
  configSize: number;
  layers: Descriptor[];
  diffIds: Digest[];
  chainIds: Digest[];
  /** Registry digests (`docker.io/library/busybox@sha256:...`), as Docker's RepoDigests. */
  repoDigests: string[];
  /** When this engine first stored the image; Docker's "Created" comes from the config instead. */
  stored: string;
  /** Image this one was built from or committed on, for `history` IDs and dangling detection. */
  parent?: Digest;
  /** When a tag last pointed here (Docker's Metadata.LastTagTime). */
  lastTagTime?: string;
}

/** Uncompressed size of each unpacked layer, keyed by chain ID; filled at unpack. */
export interface LayerRecord {
  chainId: Digest;
  diffId: Digest;
  size: number;
}
