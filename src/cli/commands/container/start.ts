import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { runStream } from './interactive.js';

export function registerStart(program: Command, container: Command, ctx: CliContext): void {
  const action = async (refs: string[], opts: { attach?: boolean; interactive?: boolean; detachKeys?: string }) => {
    const client = ctx.client();
    if (opts.attach) {
      if (refs.length > 1) throw new Error('you cannot start and attach multiple containers at once');
      const ref = refs[0]!;
      const info = await client.containerInspect(ref);
      const tty = info.Config.Tty ?? false;
      const stdin = (opts.interactive ?? false) && (info.Config.OpenStdin ?? false);
      if (tty && stdin && !process.stdin.isTTY) {
        ctx.err('the input device is not a TTY\n');
        process.exitCode = 1;
        return;
      }
      const stream = await client.containerAttach(info.Id, { stdout: true, stderr: true, stdin, detachKeys: opts.detachKeys });
      const session = runStream(stream, { tty, stdin, detachKeys: opts.detachKeys, resize: (h, w) => client.containerResize(info.Id, h, w) });
      const waitAbort = new AbortController();
      const waited = client.containerWait(info.Id, 'next-exit', waitAbort.signal);
      waited.catch(() => undefined);
      try {
        await client.containerStart(info.Id);
      } catch (err) {
        session.restore();
        stream.destroy();
        waitAbort.abort();
        throw err;
      }
      session.startResizing();
      const { detached } = await session.done;
      if (detached) {
        waitAbort.abort();
        return;
      }
      process.exitCode = (await waited).StatusCode;
      return;
    }
    let failed = false;
    for (const ref of refs) {
      try {
        await client.containerStart(ref);
        ctx.out(`${ref}\n`);
      } catch (err) {
        ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
        failed = true;
      }
    }
    if (failed) {
      ctx.err('Error: failed to start containers: ' + refs.join(', ') + '\n');
      process.exitCode = 1;
    }
  };
  for (const cmd of [program.command('start'), container.command('start')]) {
    cmd
      .description('Start one or more stopped containers')
      .argument('<CONTAINER...>')
      .option('-a, --attach', "Attach STDOUT/STDERR and forward signals")
      .option('-i, --interactive', "Attach container's STDIN")
      .option('--detach-keys <string>', 'Override the key sequence for detaching a container')
      .action(action);
  }
}
