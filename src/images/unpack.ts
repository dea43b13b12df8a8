import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Digest } from '../core/digest.js';
import type { Descriptor } from '../core/descriptor.js';
import { InvalidArgument, NotFound } from '../core/errors.js';
import { applyLayer } from '../archive/index.js';
import { KeyedMutex } from '../util/mutex.js';
import type { ImageDeps } from './deps.js';
import type { LayerRecord } from './image-record.js';
import { chainIds as computeChainIds } from './chain-id.js';

const unpackLock = new KeyedMutex();

async function committed(deps: ImageDeps, chainId: Digest): Promise<boolean> {
  try {
    const info = await deps.snapshots.stat(chainId);
    return info.kind === 'committed';
  } catch (err) {
    if (err instanceof NotFound) return false;
    throw err;
  }
}

/**
 * Makes sure every layer of an image exists as a committed snapshot named by its
 * chain ID, unpacking the missing ones from the content store. Each layer is
 * unpacked once and shared by every image that has it. The uncompressed stream
 * is hashed while it is applied: a layer whose DiffID does not match the config
 * is removed again and the unpack fails, so a snapshot named by a chain ID always
 * holds exactly that content.
 */
export async function unpackLayers(
  deps: ImageDeps,
  layers: readonly Descriptor[],
  diffIds: readonly Digest[],
  signal?: AbortSignal,
): Promise<LayerRecord[]> {
  if (layers.length !== diffIds.length) {
    throw new InvalidArgument(`image has ${layers.length} layers but its config lists ${diffIds.length} diff IDs`);
  }
  const chains = computeChainIds(diffIds);
  const out: LayerRecord[] = [];
  for (let i = 0; i < layers.length; i++) {
    const chainId = chains[i]!;
    const layer = layers[i]!;
    const parent = i > 0 ? chains[i - 1] : undefined;
    const rec = await unpackLock.run(chainId, async () => {
      const known = deps.store.layer(chainId);
      if (known && (await committed(deps, chainId))) return known;
      if (await committed(deps, chainId)) {
        const usage = await deps.snapshots.usage(chainId);
        return { chainId, diffId: diffIds[i]!, size: usage.size };
      }
      return unpackOne(deps, layer, diffIds[i]!, chainId, parent, signal);
    });
    out.push(rec);
  }
  return out;
}

/** A layer's compressed bytes as they download, and the store's verdict on the same bytes. */
export interface StreamedLayer {
  /** The blob's bytes; drained (not read) when the layer turns out to be unpacked already. */
  stream: Readable;
  /** Settles when the content store has verified the blob's digest and size and stored it. */
  stored: Promise<unknown>;
}

/**
 * Unpacks the last of `layers` straight from its download (every earlier layer must be
 * unpacked already), while the same bytes go into the content store. The snapshot is
 * committed only once the store has verified the blob (`stored`) and the DiffID matched:
 * a blob failing its digest at the end leaves no snapshot, and the error is the store's.
 */
export async function unpackStreamedLayer(
  deps: ImageDeps,
  layers: readonly Descriptor[],
  diffIds: readonly Digest[],
  streamed: StreamedLayer,
  signal?: AbortSignal,
): Promise<LayerRecord> {
  if (layers.length === 0 || layers.length !== diffIds.length) {
    throw new InvalidArgument(`image has ${layers.length} layers but its config lists ${diffIds.length} diff IDs`);
  }
  const chains = computeChainIds(diffIds);
  const i = layers.length - 1;
  const chainId = chains[i]!;
  return unpackLock.run(chainId, async () => {
    if (await committed(deps, chainId)) {
      // Someone else unpacked it meanwhile: the bytes only go to the store.
      streamed.stream.resume();
      await streamed.stored;
      const known = deps.store.layer(chainId);
      return known ?? { chainId, diffId: diffIds[i]!, size: (await deps.snapshots.usage(chainId)).size };
    }
    return unpackOne(deps, layers[i]!, diffIds[i]!, chainId, i > 0 ? chains[i - 1] : undefined, signal, streamed);
  });
}

async function unpackOne(
  deps: ImageDeps,
  layer: Descriptor,
  diffId: Digest,
  chainId: Digest,
  parent: Digest | undefined,
  signal?: AbortSignal,
  streamed?: StreamedLayer,
): Promise<LayerRecord> {
  const key = `extract-${randomBytes(8).toString('hex')}-${chainId}`;
  await deps.snapshots.prepare(key, parent);
  try {
    const upper = await deps.snapshots.upperDir(key);
    const source = streamed ? streamed.stream : await deps.content.read(layer.digest);
    // applyLayer hashes the uncompressed stream as it extracts: that hash is the DiffID.
    // The snapshot is new and private until committed: nothing else writes into it.
    const { diffId: actual, written } = await applyLayer(source, upper, {
      signal,
      whiteouts: 'overlay',
      exclusive: true,
      logger: deps.logger,
    });
    // Bytes straight from a registry are trusted only once the store has checked their digest.
    if (streamed) await streamed.stored;
    if (actual !== diffId) {
      throw new InvalidArgument(`layer ${layer.digest} has diff ID ${actual}, but the image config says ${diffId}`);
    }
    // The upper dir started empty, so what the layer wrote is its usage: no second walk.
    await deps.snapshots.commit(chainId, key);
    deps.logger.debug('unpacked layer', { digest: layer.digest, chainId, from: streamed ? 'download' : 'store' });
    return { chainId, diffId, size: written };
  } catch (err) {
    await deps.snapshots.remove(key).catch(() => undefined);
    throw err;
  }
}
