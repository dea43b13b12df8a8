import type { Command } from 'commander';
import type { CliContext } from '../../context.js';

/** `pause` and `unpause`: each container in turn; failures are reported and the exit code is 1 at the end. */
export function registerPause(program: Command, container: Command, ctx: CliContext): void {
  const specs = [
    { name: 'pause', description: 'Pause all processes within one or more containers', act: (ref: string) => ctx.client().containerPause(ref) },
    { name: 'unpause', description: 'Unpause all processes within one or more containers', act: (ref: string) => ctx.client().containerUnpause(ref) },
  ];
  for (const spec of specs) {
    const action = async (refs: string[]) => {
      let failed = false;
      for (const ref of refs) {
        try {
          await spec.act(ref);
          ctx.out(`${ref}\n`);
        } catch (err) {
          ctx.err(`Error response from daemon: ${(err as Error).message}\n`);
          failed = true;
        }
      }
      if (failed) process.exitCode = 1;
    };
    for (const cmd of [program.command(spec.name), container.command(spec.name)]) {
      cmd.description(spec.description).argument('<CONTAINER...>').action(action);
    }
  }
}
