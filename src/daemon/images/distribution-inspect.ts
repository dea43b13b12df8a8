import type { ImageConfig } from '../../core/image-config.js';
import { NotFound } from '../../core/errors.js';
import { familiarString, parseReference } from '../../core/reference.js';
import type { AuthConfig, DistributionInspect } from '../../core/wire/registry-auth.js';
import { readBody } from '../../registry/client/http.js';
import { isIndex, parseIndex, parseManifest } from '../../registry/client/index.js';
import type { DaemonContext } from '../context.js';
import { onRepository } from './registry-access.js';

/** GET /distribution/{name}/json: the registry's descriptor of a reference and its platforms. */
export async function distributionInspect(ctx: DaemonContext, name: string, auth: AuthConfig, signal?: AbortSignal): Promise<DistributionInspect> {
  const ref = parseReference(name);
  return onRepository(ctx, ref, 'pull', auth, signal, async (repo) => {
    const m = await repo.getManifest(ref.digest ?? ref.tag!, signal).catch((err: unknown) => {
      if (err instanceof NotFound) throw new NotFound(`manifest for ${familiarString(ref)} not found: ${err.message}`, { cause: err });
      throw err;
    });
    const Descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    if (isIndex(m.mediaType)) {
      const Platforms = parseIndex(m.bytes).manifests.flatMap((d) => (d.platform ? [d.platform] : []));
      return { Descriptor, Platforms };
    }
    const manifest = parseManifest(m.bytes, m.mediaType);
    const config = JSON.parse((await readBody(await repo.getBlob(manifest.config.digest, signal))).toString('utf8')) as ImageConfig;
    return { Descriptor, Platforms: [{ architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) }] };
  });
}
