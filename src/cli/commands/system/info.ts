import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { compileTemplate } from '../../format/template.js';
import { humanSize } from '../../format/units.js';

export function registerInfo(program: Command, ctx: CliContext): void {
  program
    .command('info')
    .description('Display system-wide information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (opts: { format?: string }) => {
      const i = await ctx.client().info();
      if (opts.format) {
        ctx.out((opts.format === 'json' ? JSON.stringify(i) : compileTemplate(opts.format).execute(i)) + '\n');
        return;
      }
      ctx.out(
        [
          'Server:',
          ` Containers: ${i.Containers}`,
          `  Running: ${i.ContainersRunning}`,
          `  Paused: ${i.ContainersPaused}`,
          `  Stopped: ${i.ContainersStopped}`,
          ` Images: ${i.Images}`,
          ` Server Version: ${i.ServerVersion}`,
          ` Storage Driver: ${i.Driver}`,
          ` Logging Driver: ${i.LoggingDriver}`,
          ` Cgroup Driver: ${i.CgroupDriver}`,
          ` Cgroup Version: ${i.CgroupVersion}`,
          ` Default Runtime: ${i.DefaultRuntime}`,
          ` Live Restore Enabled: ${i.LiveRestoreEnabled}`,
          ` Kernel Version: ${i.KernelVersion}`,
          ` Operating System: ${i.OperatingSystem}`,
          ` OSType: ${i.OSType}`,
          ` Architecture: ${i.Architecture}`,
          ` CPUs: ${i.NCPU}`,
          ` Total Memory: ${humanSize(i.MemTotal)}`,
          ` Name: ${i.Name}`,
          ` ID: ${i.ID}`,
          ` Berth Root Dir: ${i.DockerRootDir}`,
          '',
        ].join('\n'),
      );
    });
}
