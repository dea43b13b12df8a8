import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { ApiError } from '../../../client/transport.js';
import { addCreateFlags, createBody, type CreateFlags } from './create-flags.js';
import { startFailureCode } from './output.js';
import { runStream } from './interactive.js';
import { createWithPull } from './create-with-pull.js';

interface RunFlags extends CreateFlags {
  detach?: boolean;
  detachKeys?: string;
}

/** Docker's flow: create, attach (unless detached), wait, start, copy output, exit with the container's code. */
export function registerRun(program: Command, container: Command, ctx: CliContext): void {
  const action = async (image: string, command: string[], flags: RunFlags) => {
    const client = ctx.client();
    const interactive = flags.interactive ?? false;
    const tty = flags.tty ?? false;
    if (tty && interactive && !flags.detach && !process.stdin.isTTY) {
      ctx.err('the input device is not a TTY\n');
      process.exitCode = 1;
      return;
    }
    const body = createBody(image, command, flags);
    if (flags.detach && flags.rm === undefined) body.HostConfig!.AutoRemove = false;
    let created: { Id: string };
    try {
      created = await createWithPull(ctx, image, body, flags);
    } catch (err) {
      // docker run exits 125 when the container cannot be created (daemon refusal, failed pull, bad flag).
      const daemon = err instanceof ApiError;
      ctx.err(`berth: ${daemon ? 'Error response from daemon: ' : ''}${(err as Error).message}\n${daemon ? "\nRun 'berth run --help' for more information\n" : ''}`);
      process.exitCode = 125;
      return;
    }
    if (flags.detach) {
      try {
        await client.containerStart(created.Id);
      } catch (err) {
        ctx.err(`berth: Error response from daemon: ${(err as Error).message}\n`);
        process.exitCode = startFailureCode((err as Error).message);
        return;
      }
      ctx.out(`${created.Id}\n`);
      return;
    }
    const stream = await client.containerAttach(created.Id, { stdout: true, stderr: true, stdin: interactive, detachKeys: flags.detachKeys });
    const session = runStream(stream, { tty, stdin: interactive, detachKeys: flags.detachKeys, resize: (h, w) => client.containerResize(created.Id, h, w) });
    const waitAbort = new AbortController();
    const waited = client.containerWait(created.Id, flags.rm ? 'removed' : 'next-exit', waitAbort.signal);
    try {
      await client.containerStart(created.Id);
    } catch (err) {
      session.restore();
      stream.destroy();
      waited.catch(() => undefined);
      ctx.err(`berth: Error response from daemon: ${(err as Error).message}\n`);
      if (flags.rm) await client.containerRemove(created.Id, { force: true }).catch(() => undefined);
      process.exitCode = startFailureCode((err as Error).message);
      return;
    }
    session.startResizing();
    const { detached } = await session.done;
    if (detached) {
      // The container keeps running; nothing more to wait for.
      waitAbort.abort();
      waited.catch(() => undefined);
      return;
    }
    const result = await waited;
    process.exitCode = result.StatusCode;
  };
  for (const cmd of [program.command('run'), container.command('run')]) {
    addCreateFlags(cmd.description('Create and run a new container from an image').argument('<IMAGE>').argument('[COMMAND...]'))
      .option('-d, --detach', 'Run container in background and print container ID')
      .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
      .passThroughOptions()
      .action(action);
  }
}
