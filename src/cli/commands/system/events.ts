import type { Command } from 'commander';
import type { EventMessage } from '../../../client/ops-types.js';
import type { CliContext } from '../../context.js';
import { collect, filtersFrom } from '../../options.js';
import { compileTemplate } from '../../format/template.js';

interface EventsOptions {
  since?: string;
  until?: string;
  filter?: string[];
  format?: string;
}

/** Go's RFC3339NanoFixed in UTC: `2024-01-01T00:00:00.000000000Z`. */
export function eventTime(timeNano: number | string): string {
  const ns = BigInt(timeNano);
  const seconds = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Docker's default event line: time, type, action, actor ID, then the attributes sorted by key. */
export function eventLine(e: EventMessage & { timeNanoText?: string }): string {
  const attrs = Object.keys(e.Actor.Attributes ?? {})
    .sort()
    .map((k) => `${k}=${e.Actor.Attributes[k]}`);
  return `${eventTime(e.timeNanoText ?? e.timeNano)} ${e.Type} ${e.Action} ${e.Actor.ID}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

/** The fields Docker's --format sees: the message's own plus the legacy Status/ID/From. */
function templateView(e: EventMessage & { status?: string; id?: string; from?: string }): Record<string, unknown> {
  return { ...e, Status: e.status ?? '', ID: e.id ?? '', From: e.from ?? '', Time: e.time, TimeNano: e.timeNano, Scope: e.scope };
}

export function registerEvents(program: Command, ctx: CliContext): void {
  const action = async (opts: EventsOptions) => {
    // `berth events | head` closes our stdout: that ends the command, it is no error.
    process.stdout.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
    });
    const format = opts.format?.trim();
    const template = format && format !== 'json' ? compileTemplate(format) : undefined;
    const res = await ctx.client().events({ since: opts.since, until: opts.until, filters: filtersFrom(opts.filter) });
    let buf = '';
    res.setEncoding('utf8');
    for await (const chunk of res) {
      buf += chunk as string;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const e = JSON.parse(line) as EventMessage & { timeNanoText?: string };
        // JSON.parse rounds int64 nanoseconds; keep the digits the daemon sent.
        e.timeNanoText = /"timeNano":(\d+)/.exec(line)?.[1];
        if (format === 'json') ctx.out(`${line}\n`);
        else if (template) ctx.out(`${template.execute(templateView(e))}\n`);
        else ctx.out(`${eventLine(e)}\n`);
      }
    }
  };
  const flags = (cmd: Command) =>
    cmd
      .description('Get real time events from the server')
      .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
      .option('--format <string>', 'Format output using a custom template')
      .option('--since <string>', 'Show all events created since timestamp')
      .option('--until <string>', 'Stream events until this timestamp')
      .action(action);
  flags(program.command('events'));
  const system = program.commands.find((c) => c.name() === 'system');
  if (system) flags(system.command('events'));
}
