import type { Command } from 'commander';
import type { ContainerSummary } from '../../../core/wire/containers.js';
import type { CliContext } from '../../context.js';
import { collect, filtersFrom } from '../../options.js';
import { renderList } from '../../format/list-output.js';
import { goTime, humanSize, timeAgo } from '../../format/units.js';
import { displayablePorts } from '../../format/ports.js';

interface PsOptions {
  all?: boolean;
  quiet?: boolean;
  latest?: boolean;
  last?: string;
  size?: boolean;
  trunc?: boolean;
  filter?: string[];
  format?: string;
}

const HEADERS = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Status: 'STATUS',
  Ports: 'PORTS',
  Names: 'NAMES',
  Size: 'SIZE',
  Labels: 'LABELS',
  State: 'STATE',
  Networks: 'NETWORKS',
  Mounts: 'MOUNTS',
};

/** Go's strconv.Quote: printable runes kept, controls as \n, \t or \xNN. */
function goQuote(s: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };
  return `"${s.replace(/[\x00-\x1f\x7f"\\]/g, (ch) => named[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`;
}

function row(c: ContainerSummary, noTrunc: boolean) {
  // Docker truncates the raw command to 20 runes, then quotes it (formatter.Ellipsis, then strconv.Quote).
  const runes = [...c.Command];
  const command = !noTrunc && runes.length > 20 ? runes.slice(0, 19).join('') + '…' : c.Command;
  return {
    ID: noTrunc ? c.Id : c.Id.slice(0, 12),
    Image: c.Image,
    Command: goQuote(command),
    CreatedAt: goTime(c.Created),
    RunningFor: timeAgo(c.Created),
    Status: c.Status,
    State: c.State,
    Ports: displayablePorts(c.Ports ?? []),
    Names: c.Names.map((n) => n.replace(/^\//, '')).join(','),
    Size: c.SizeRw !== undefined ? `${humanSize(c.SizeRw)} (virtual ${humanSize(c.SizeRootFs ?? 0)})` : '',
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(',') || c.HostConfig.NetworkMode,
    Mounts: '',
  };
}

export function registerPs(program: Command, container: Command, ctx: CliContext): void {
  const action = async (opts: PsOptions) => {
    const noTrunc = opts.trunc === false;
    const limit = opts.latest ? 1 : opts.last !== undefined ? Number(opts.last) : undefined;
    const list = await ctx.client().containerList({ all: opts.all, limit, size: opts.size, filters: filtersFrom(opts.filter) });
    const rows = list.map((c) => row(c, noTrunc));
    const defaultTable =
      '{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}' + (opts.size ? '\t{{.Size}}' : '');
    ctx.out(renderList(rows, { defaultTable, headers: HEADERS }, opts.format, 'ID', opts.quiet));
  };
  const flags = (cmd: Command) =>
    cmd
      .description('List containers')
      .option('-a, --all', 'Show all containers (default shows just running)')
      .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
      .option('--format <string>', 'Format output using a custom template')
      .option('-n, --last <int>', 'Show n last created containers (includes all states)')
      .option('-l, --latest', 'Show the latest created container (includes all states)')
      .option('--no-trunc', "Don't truncate output")
      .option('-q, --quiet', 'Only display container IDs')
      .option('-s, --size', 'Display total file sizes')
      .action(action);
  flags(program.command('ps'));
  flags(container.command('ls').alias('list').alias('ps'));
}
