import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { pipeOutput } from './output.js';

export function registerStart(program: Command, container: Command, ctx: CliContext): void {
  const action = async (refs: string[], opts: { attach?: boolean; interactive?: boolean }) => {
    const client = ctx.client();
    if (opts.attach) {
      if (refs.length > 1) throw new Error('you cannot start and attach multiple containers at once');
      const ref = refs[0]!;
      const info = await client.containerInspect(ref);
      const stream = await client.containerAttach(info.Id, { stdout: true, stderr: true });
      const output = pipeOutput(stream, info.Config.Tty ?? false);
      const waited = client.containerWait(info.Id, 'next-exit');
      await client.containerStart(info.Id);
      await output;
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
      .action(action);
  }
}
