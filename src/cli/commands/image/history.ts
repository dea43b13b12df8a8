import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { renderList } from '../../format/list-output.js';
import { goTime, humanSize, timeAgo } from '../../format/units.js';

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export function registerHistory(program: Command, image: Command, ctx: CliContext): void {
  const action = async (name: string, opts: { human?: boolean; trunc?: boolean; quiet?: boolean; format?: string }) => {
    const items = await ctx.client().imageHistory(name);
    const human = opts.human !== false;
    const noTrunc = opts.trunc === false;
    const rows = items.map((h) => {
      let createdBy = h.CreatedBy.replace(/\t/g, ' ');
      if (!noTrunc && createdBy.length > 45) createdBy = createdBy.slice(0, 44) + '…';
      return {
        ID: h.Id === '<missing>' || noTrunc ? h.Id : h.Id.replace(/^sha256:/, '').slice(0, 12),
        CreatedSince: human ? timeAgo(h.Created) : new Date(h.Created * 1000).toISOString(),
        CreatedAt: goTime(h.Created),
        CreatedBy: createdBy,
        Size: human ? humanSize(h.Size) : String(h.Size),
        Comment: h.Comment,
      };
    });
    ctx.out(
      renderList(rows, { defaultTable: '{{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', headers: HEADERS }, opts.format, 'ID', opts.quiet),
    );
  };
  for (const cmd of [program.command('history'), image.command('history')]) {
    cmd
      .description('Show the history of an image')
      .argument('<IMAGE>')
      .option('--format <string>', 'Format output using a custom template')
      .option('-H, --human [bool]', 'Print sizes and dates in human readable format', (v: string) => v !== 'false')
      .option('--no-trunc', "Don't truncate output")
      .option('-q, --quiet', 'Only show image IDs')
      .action(action);
  }
}
