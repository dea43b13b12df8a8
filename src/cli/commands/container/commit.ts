import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { collect } from '../../options.js';
import { splitRepoTag } from '../image/repo-tag.js';

const TRUE = /^(1|t|true)$/i;
const FALSE = /^(0|f|false)$/i;

export function registerCommit(program: Command, container: Command, ctx: CliContext): void {
  const action = async (first: string, second: string | undefined, opts: { message?: string; author?: string; change?: string[]; pause?: boolean | string }) => {
    let ref = first;
    let reference = second;
    let pause = true;
    if (typeof opts.pause === 'string') {
      if (TRUE.test(opts.pause)) pause = true;
      else if (FALSE.test(opts.pause)) pause = false;
      else {
        // A bare `-p` took the next word (commander's optional value): it was the container.
        if (second !== undefined) throw new Error('"commit" requires at least 1 and at most 2 arguments.');
        [ref, reference] = [opts.pause, first];
      }
    }
    const { repo, tag } = reference ? splitRepoTag(reference) : { repo: undefined, tag: undefined };
    const res = await ctx.client().containerCommit(ref, { repo, tag, comment: opts.message, author: opts.author, changes: opts.change, pause });
    ctx.out(`${res.Id}\n`);
  };
  for (const cmd of [program.command('commit'), container.command('commit')]) {
    cmd
      .description("Create a new image from a container's changes")
      .argument('<CONTAINER>')
      .argument('[REPOSITORY[:TAG]]')
      .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
      .option('-c, --change <instruction>', 'Apply Dockerfile instruction to the created image', collect)
      .option('-m, --message <string>', 'Commit message')
      .option('-p, --pause [bool]', 'Pause container during commit (default true)')
      .action(action);
  }
}
