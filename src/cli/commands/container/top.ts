import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

/** Docker's top table: tabwriter with minimum width 20 and padding 3. */
function renderTop(rows: readonly (readonly string[])[]): string {
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++) widths.push(Math.max(20, ...rows.map((r) => [...(r[c] ?? '')].length + 3)));
  return rows
    .map((r) => r.map((cell, c) => (c < r.length - 1 ? cell + ' '.repeat(Math.max(0, widths[c]! - [...cell].length)) : cell)).join(''))
    .map((l) => `${l}\n`)
    .join('');
}

export function registerTop(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string, psArgs: string[]) => {
    const top = await ctx.client().containerTop(ref, psArgs.length ? psArgs.join(' ') : undefined);
    ctx.out(renderTop([top.Titles, ...(top.Processes ?? [])]));
  };
  for (const cmd of [program.command('top'), container.command('top')]) {
    cmd
      .description('Display the running processes of a container')
      .usage('CONTAINER [ps OPTIONS]')
      .argument('<CONTAINER>')
      .argument('[ps_options...]')
      // Everything after the container belongs to ps (`top c -o pid,comm`).
      .passThroughOptions()
      .allowUnknownOption()
      .action(action);
  }
}
