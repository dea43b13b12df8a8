import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CliContext } from '../../context.js';
import { collect } from '../../options.js';
import { splitRepoTag } from './repo-tag.js';

export function registerImport(program: Command, image: Command, ctx: CliContext): void {
  const action = async (file: string, reference: string | undefined, opts: { change?: string[]; message?: string; platform?: string }) => {
    const source: Readable = file === '-' ? process.stdin : createReadStream(file);
    if (file !== '-') {
      await new Promise<void>((resolve, reject) => {
        (source as ReturnType<typeof createReadStream>).once('open', () => resolve());
        source.once('error', (err: Error) => reject(new Error(`open ${file}: ${err.message.replace(/^.*?: /, '')}`)));
      });
    }
    const { repo, tag } = reference ? splitRepoTag(reference) : { repo: undefined, tag: undefined };
    const messages = await ctx.client().imageImport(source, { repo, tag, changes: opts.change, message: opts.message, platform: opts.platform });
    for await (const m of messages) if (m.status) ctx.out(m.status + '\n');
  };
  for (const cmd of [program.command('import'), image.command('import')]) {
    cmd
      .description('Import the contents from a tarball to create a filesystem image')
      .argument('<file|->', 'tarball file, or - for stdin')
      .argument('[REPOSITORY[:TAG]]')
      .option('-c, --change <instruction>', 'Apply Dockerfile instruction to the created image', collect)
      .option('-m, --message <string>', 'Set commit message for imported image')
      .option('--platform <string>', 'Set platform if server is multi-platform capable')
      .action(action);
  }
}
