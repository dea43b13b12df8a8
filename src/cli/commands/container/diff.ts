import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

const KIND_LETTER = ['C', 'A', 'D'] as const;

export function registerDiff(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string) => {
    const changes = (await ctx.client().containerChanges(ref)) ?? [];
    const sorted = [...changes].sort((a, b) => (a.Path < b.Path ? -1 : a.Path > b.Path ? 1 : 0));
    ctx.out(sorted.map((c) => `${KIND_LETTER[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  };
  for (const cmd of [program.command('diff'), container.command('diff')]) {
    cmd.description("Inspect changes to files or directories on a container's filesystem").argument('<CONTAINER>').action(action);
  }
}
