import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { collect } from '../../options.js';
import { runStream } from './interactive.js';

interface ExecFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  env?: string[];
  user?: string;
  workdir?: string;
  privileged?: boolean;
  detachKeys?: string;
}

/** `berth exec`: runs a command in a running container; exits with the command's exit code. */
export function registerExec(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string, command: string[], flags: ExecFlags) => {
    const client = ctx.client();
    const tty = flags.tty ?? false;
    const stdin = flags.interactive ?? false;
    if (tty && stdin && !flags.detach && !process.stdin.isTTY) {
      ctx.err('the input device is not a TTY\n');
      process.exitCode = 1;
      return;
    }
    const { Id } = await client.execCreate(ref, {
      AttachStdin: stdin && !flags.detach,
      AttachStdout: !flags.detach,
      AttachStderr: !flags.detach,
      Tty: tty,
      Env: flags.env,
      Cmd: command,
      User: flags.user,
      WorkingDir: flags.workdir,
      Privileged: flags.privileged ?? false,
      DetachKeys: flags.detachKeys,
    });
    if (flags.detach) {
      await client.execStartDetached(Id, { Tty: tty });
      return;
    }
    const size = tty && process.stdout.isTTY ? ([process.stdout.rows, process.stdout.columns] as [number, number]) : undefined;
    const stream = await client.execStartAttached(Id, { Tty: tty, ConsoleSize: size });
    const session = runStream(stream, { tty, stdin, detachKeys: flags.detachKeys, resize: (h, w) => client.execResize(Id, h, w) });
    session.startResizing();
    const { detached } = await session.done;
    if (detached) return;
    process.exitCode = (await client.execInspect(Id)).ExitCode ?? 0;
  };
  for (const cmd of [program.command('exec'), container.command('exec')]) {
    cmd
      .description('Execute a command in a running container')
      .argument('<CONTAINER>')
      .argument('<COMMAND...>')
      .option('-d, --detach', 'Detached mode: run command in the background')
      .option('-i, --interactive', 'Keep STDIN open even if not attached')
      .option('-t, --tty', 'Allocate a pseudo-TTY')
      .option('-e, --env <list>', 'Set environment variables', collect, [])
      .option('-u, --user <string>', 'Username or UID (format: "<name|uid>[:<group|gid>]")')
      .option('-w, --workdir <string>', 'Working directory inside the container')
      .option('--privileged', 'Give extended privileges to the command')
      .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
      .passThroughOptions()
      .action(action);
  }
}
