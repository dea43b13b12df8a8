import { access, writeFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { ApiError } from '../../../client/transport.js';
import type { ContainerCreateBody } from '../../../core/wire/containers.js';
import { formatReference, parseReference } from '../../../core/reference.js';
import type { CliContext } from '../../context.js';
import { pullImage } from '../image/pull.js';
import type { CreateFlags } from './create-flags.js';

/**
 * `create` and `run` as the docker CLI does them: `--pull always` pulls first, `missing` (the
 * default) pulls once the daemon says the image is not there, `never` does not; `--cidfile` must
 * not exist beforehand and gets the new ID. Daemon refusals surface as ApiError for the caller.
 */
export async function createWithPull(ctx: CliContext, image: string, body: ContainerCreateBody, flags: CreateFlags): Promise<{ Id: string; Warnings: string[] }> {
  const policy = flags.pull ?? 'missing';
  if (!['always', 'missing', 'never'].includes(policy)) throw new InvalidArgumentError(`invalid pull option: '${policy}': must be one of "always", "missing" or "never"`);
  if (flags.cidfile && (await access(flags.cidfile).then(() => true, () => false))) {
    throw new Error(`Container ID file found, make sure the other container isn't running or delete ${flags.cidfile}`);
  }
  const pull = () => pullImage(ctx, formatReference(parseReference(image)), { platform: flags.platform, quiet: flags.quiet }, process.stderr);
  const client = ctx.client();
  if (policy === 'always') await pull();
  let created: { Id: string; Warnings: string[] };
  try {
    created = await client.containerCreate(body, flags.name);
  } catch (err) {
    if (policy !== 'missing' || !(err instanceof ApiError && err.status === 404 && /No such image/.test(err.message))) throw err;
    if (!flags.quiet) ctx.err(`Unable to find image '${image.includes(':') || image.includes('@') ? image : `${image}:latest`}' locally\n`);
    await pull();
    created = await client.containerCreate(body, flags.name);
  }
  if (flags.cidfile) await writeFile(flags.cidfile, created.Id);
  return created;
}
