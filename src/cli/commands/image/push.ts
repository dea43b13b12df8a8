import type { Command } from 'commander';
import { familiarName, formatReference, parseReference, repositoryOf } from '../../../core/reference.js';
import type { CliContext } from '../../context.js';
import { renderProgress } from '../../format/progress.js';
import { findCredentials } from '../../registry/credentials.js';

interface PushFlags {
  allTags?: boolean;
  quiet?: boolean;
  disableContentTrust?: boolean;
}

export function registerPush(program: Command, image: Command, ctx: CliContext): void {
  const action = async (name: string, flags: PushFlags) => {
    const named = parseReference(name, { defaultTag: false });
    if (named.digest !== undefined) throw new Error('cannot push a digest reference');
    if (flags.allTags && named.tag !== undefined) throw new Error('tag can\'t be used with --all-tags/-a');
    if (!flags.allTags && named.tag === undefined && !flags.quiet) ctx.out('Using default tag: latest\n');
    const ref = flags.allTags ? named : parseReference(name);
    const messages = await ctx.client().imagePush({ name: familiarName(ref), tag: flags.allTags ? '' : ref.tag, auth: await findCredentials(ref.domain) });
    await renderProgress(messages, flags.quiet ? { write: () => true } : process.stdout);
    if (flags.quiet) ctx.out(`${flags.allTags ? repositoryOf(ref) : formatReference(ref)}\n`);
  };
  for (const cmd of [program.command('push'), image.command('push')]) {
    cmd
      .description('Upload an image to a registry')
      .argument('<NAME[:TAG]>')
      .option('-a, --all-tags', 'Push all tags of an image to the repository')
      .option('-q, --quiet', 'Suppress verbose output')
      .option('--disable-content-trust', 'Skip image signing (default true)')
      .action(action);
  }
}
