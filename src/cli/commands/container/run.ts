import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { ApiError } from '../../../client/transport.js';
import { addCreateFlags, createBody, type CreateFlags } from './create-flags.js';
import { pipeOutput, startFailureCode } from './output.js';

interface RunFlags extends CreateFlags {
  detach?: boolean;
}

/** Docker's flow: create, attach (unless detached), wait, start, copy output, exit with the container's code. */
export function registerRun(program: Command, container: Command, ctx: CliContext): void {
  const action = async (image: string, command: string[], flags: RunFlags) => {
    const client = ctx.client();
    const body = createBody(image, command, flags);
    if (flags.detach && flags.rm === undefined) body.HostConfig!.AutoRemove = false;
    let created: { Id: string };
    try {
      created = await client.containerCreate(body, flags.name);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404 && /No such image/.test(err.message)) {
        ctx.err(`Unable to find image '${image.includes(':') ? image : `${image}:latest`}' locally\n`);
        ctx.err(`berth: Error response from daemon: ${err.message} (pulling from a registry is not available yet).\n`);
        process.exitCode = 125;
        return;
      }
      throw err;
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
    const stream = await client.containerAttach(created.Id, { stdout: true, stderr: true, stdin: false });
    const output = pipeOutput(stream, flags.tty ?? false);
    const waited = client.containerWait(created.Id, flags.rm ? 'removed' : 'next-exit');
    try {
      await client.containerStart(created.Id);
    } catch (err) {
      stream.destroy();
      waited.catch(() => undefined);
      ctx.err(`berth: Error response from daemon: ${(err as Error).message}\n`);
      if (flags.rm) await client.containerRemove(created.Id, { force: true }).catch(() => undefined);
      process.exitCode = startFailureCode((err as Error).message);
      return;
    }
    await output;
    const result = await waited;
    process.exitCode = result.StatusCode;
  };
  for (const cmd of [program.command('run'), container.command('run')]) {
    addCreateFlags(cmd.description('Create and run a new container from an image').argument('<IMAGE>').argument('[COMMAND...]'))
      .option('-d, --detach', 'Run container in background and print container ID')
      .passThroughOptions()
      .action(action);
  }
}
