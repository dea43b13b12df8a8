import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { addCreateFlags, createBody, type CreateFlags } from './create-flags.js';
import { createWithPull } from './create-with-pull.js';

export function registerCreate(program: Command, container: Command, ctx: CliContext): void {
  const action = async (image: string, command: string[], flags: CreateFlags) => {
    const created = await createWithPull(ctx, image, createBody(image, command, flags), flags);
    for (const w of created.Warnings ?? []) ctx.err(`WARNING: ${w}\n`);
    ctx.out(`${created.Id}\n`);
  };
  for (const cmd of [program.command('create'), container.command('create')]) {
    addCreateFlags(cmd.description('Create a new container').argument('<IMAGE>').argument('[COMMAND...]')).passThroughOptions().action(action);
  }
}
