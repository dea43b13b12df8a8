import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { runStream } from './interactive.js';

interface AttachFlags {
  detachKeys?: string;
  stdin?: boolean;
  sigProxy?: boolean;
}

/** `berth attach`: joins this terminal to a running container; exits with its code unless detached. */
export function registerAttach(program: Command, container: Command, ctx: CliContext): void {
  const action = async (ref: string, flags: AttachFlags) => {
    const client = ctx.client();
    const info = await client.containerInspect(ref);
    if (!info.State.Running) {
      ctx.err('You cannot attach to a stopped container, start it first\n');
      process.exitCode = 1;
      return;
    }
    if (info.State.Paused) {
      ctx.err('You cannot attach to a paused container, unpause it first\n');
      process.exitCode = 1;
      return;
    }
    const tty = info.Config.Tty ?? false;
    const stdin = (info.Config.OpenStdin ?? false) && flags.stdin !== false;
    if (tty && stdin && !process.stdin.isTTY) {
      ctx.err('the input device is not a TTY\n');
      process.exitCode = 1;
      return;
    }
    const stream = await client.containerAttach(info.Id, { stdout: true, stderr: true, stdin, detachKeys: flags.detachKeys });
    const session = runStream(stream, { tty, stdin, detachKeys: flags.detachKeys, resize: (h, w) => client.containerResize(info.Id, h, w) });
    session.startResizing();
    const { detached } = await session.done;
    if (detached) return;
    process.exitCode = (await client.containerWait(info.Id)).StatusCode;
  };
  for (const cmd of [program.command('attach'), container.command('attach')]) {
    cmd
      .description("Attach local standard input, output, and error streams to a running container")
      .argument('<CONTAINER>')
      .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
      .option('--no-stdin', 'Do not attach STDIN')
      .option('--sig-proxy', 'Proxy all received signals to the process (accepted, not implemented)')
      .action(action);
  }
}
