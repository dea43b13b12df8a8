import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { splitRepoTag } from './repo-tag.js';

export function registerTag(program: Command, image: Command, ctx: CliContext): void {
  const action = async (source: string, target: string) => {
    const { repo, tag } = splitRepoTag(target);
    await ctx.client().imageTag(source, repo, tag);
  };
  for (const cmd of [program.command('tag'), image.command('tag')]) {
    cmd.description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE').argument('<SOURCE_IMAGE[:TAG]>').argument('<TARGET_IMAGE[:TAG]>').action(action);
  }
}
