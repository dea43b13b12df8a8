import type { Command } from 'commander';
import { familiarName, formatReference, parseReference, repositoryOf } from '../../../core/reference.js';
import type { CliContext } from '../../context.js';
import { renderProgress } from '../../format/progress.js';
import { findCredentials } from '../../registry/credentials.js';

interface PullFlags {
  allTags?: boolean;
  platform?: string;
  quiet?: boolean;
  disableContentTrust?: boolean;
}

/**
 * `berth pull`: the daemon pulls; this renders its progress like Docker's CLI and
 * finally prints the full reference. Credentials from `berth login` (or `docker
 * login`) go along in X-Registry-Auth.
 */
export async function pullImage(ctx: CliContext, name: string, flags: PullFlags, out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }): Promise<string> {
  const named = parseReference(name, { defaultTag: false });
  if (flags.allTags && (named.tag !== undefined || named.digest !== undefined)) throw new Error('tag can\'t be used with --all-tags/-a');
  if (!flags.allTags && named.tag === undefined && named.digest === undefined && !flags.quiet) out.write('Using default tag: latest\n');
  const ref = flags.allTags ? named : parseReference(name);
  const auth = await findCredentials(ref.domain);
  const messages = await ctx.client().imagePull({
    fromImage: familiarName(ref),
    tag: flags.allTags ? '' : (ref.digest ?? ref.tag),
    platform: flags.platform,
    auth,
  });
  await renderProgress(messages, flags.quiet ? { write: () => true } : out);
  return flags.allTags ? repositoryOf(ref) : formatReference(ref);
}

export function registerPull(program: Command, image: Command, ctx: CliContext): void {
  const action = async (name: string, flags: PullFlags) => {
    const full = await pullImage(ctx, name, flags, process.stdout);
    ctx.out(`${full}\n`);
  };
  for (const cmd of [program.command('pull'), image.command('pull')]) {
    cmd
      .description('Download an image from a registry')
      .argument('<NAME[:TAG|@DIGEST]>')
      .option('-a, --all-tags', 'Download all tagged images in the repository')
      .option('--platform <string>', 'Set platform if server is multi-platform capable')
      .option('-q, --quiet', 'Suppress verbose output')
      .option('--disable-content-trust', 'Skip image verification (default true)')
      .action(action);
  }
}
