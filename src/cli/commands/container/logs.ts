import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { pipeOutput } from './output.js';

export function registerLogs(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string, opts: { follow?: boolean; tail?: string; timestamps?: boolean; since?: string; until?: string }) => {
    const client = ctx.client();
    const info = await client.containerInspect(ref);
    const res = await client.containerLogs(info.Id, { follow: opts.follow, tail: opts.tail, since: opts.since, until: opts.until, timestamps: opts.timestamps });
    await pipeOutput(res, info.Config.Tty ?? false);
  };
  for (const cmd of [program.command('logs'), container.command('logs')]) {
    cmd
      .description('Fetch the logs of a container')
      .argument('<CONTAINER>')
      .option('-f, --follow', 'Follow log output')
      .option('--since <string>', 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m")')
      .option('-n, --tail <string>', 'Number of lines to show from the end of the logs', 'all')
      .option('-t, --timestamps', 'Show timestamps')
      .option('--until <string>', 'Show logs before a timestamp or relative')
      .action(action);
  }
}
