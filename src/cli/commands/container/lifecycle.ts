import type { Command } from 'commander';
import type { EngineClient } from '../../../client/engine-client.js';
import type { CliContext } from '../../context.js';

type Opts = Record<string, string | boolean | undefined>;

interface BulkCommand {
  name: string;
  description: string;
  options: Array<[flags: string, description: string]>;
  /** Acts on one container; what it returns is printed (Docker prints the reference given). */
  act: (client: EngineClient, ref: string, opts: Opts) => Promise<string>;
}

function seconds(v: string | boolean | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (!/^-?\d+$/.test(v)) throw new Error(`invalid argument "${v}" for "-t, --timeout" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

/** Commands that take several containers, go on after a failure and exit 1 at the end, as Docker's do. */
const COMMANDS: BulkCommand[] = [
  {
    name: 'stop',
    description: 'Stop one or more running containers',
    options: [['-t, --timeout <int>', 'Seconds to wait before killing the container'], ['-s, --signal <string>', 'Signal to send to the container']],
    act: async (c, ref, o) => {
      await c.containerStop(ref, { timeout: seconds(o.timeout), signal: o.signal as string | undefined }).catch(ignoreNotModified);
      return ref;
    },
  },
  {
    name: 'restart',
    description: 'Restart one or more containers',
    options: [['-t, --timeout <int>', 'Seconds to wait before killing the container'], ['-s, --signal <string>', 'Signal to send to the container']],
    act: async (c, ref, o) => {
      await c.containerRestart(ref, { timeout: seconds(o.timeout), signal: o.signal as string | undefined });
      return ref;
    },
  },
  {
    name: 'kill',
    description: 'Kill one or more running containers',
    options: [['-s, --signal <string>', 'Signal to send to the container']],
    act: async (c, ref, o) => {
      await c.containerKill(ref, o.signal as string | undefined);
      return ref;
    },
  },
  {
    name: 'rm',
    description: 'Remove one or more containers',
    options: [['-f, --force', 'Force the removal of a running container (uses SIGKILL)'], ['-v, --volumes', 'Remove anonymous volumes associated with the container']],
    act: async (c, ref, o) => {
      await c.containerRemove(ref, { force: Boolean(o.force), volumes: Boolean(o.volumes) });
      return ref;
    },
  },
  {
    name: 'wait',
    description: 'Block until one or more containers stop, then print their exit codes',
    options: [],
    act: async (c, ref) => String((await c.containerWait(ref)).StatusCode),
  },
];

/** 304 Not Modified (already stopped) is success for `stop`. */
function ignoreNotModified(err: unknown): void {
  if ((err as { status?: number }).status !== 304) throw err;
}

export function registerLifecycle(program: Command, container: Command, ctx: CliContext): void {
  for (const spec of COMMANDS) {
    const action = async (refs: string[], opts: Opts) => {
      // A bad flag is a usage error, reported once before any container is touched (exit 125, as Docker).
      try {
        seconds(opts.timeout);
      } catch (err) {
        ctx.err(`${(err as Error).message}\n`);
        process.exitCode = 125;
        return;
      }
      let failed = false;
      for (const ref of refs) {
        try {
          ctx.out(`${await spec.act(ctx.client(), ref, opts)}\n`);
        } catch (err) {
          ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
          failed = true;
        }
      }
      if (failed) process.exitCode = 1;
    };
    const cmds = [program.command(spec.name), container.command(spec.name)];
    if (spec.name === 'rm') cmds[1]!.alias('remove');
    for (const cmd of cmds) {
      cmd.description(spec.description).argument('<CONTAINER...>');
      for (const [flags, desc] of spec.options) cmd.option(flags, desc);
      cmd.action(action);
    }
  }
  for (const cmd of [program.command('rename'), container.command('rename')]) {
    cmd
      .description('Rename a container')
      .argument('<CONTAINER>')
      .argument('<NEW_NAME>')
      .action(async (ref: string, name: string) => ctx.client().containerRename(ref, name));
  }
}
