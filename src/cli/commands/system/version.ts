import type { Command } from 'commander';
import { API_VERSION, BERTH_VERSION } from '../../../core/version.js';
import type { CliContext } from '../../context.js';
import { compileTemplate } from '../../format/template.js';

export function registerVersion(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .description('Show the Berth version information')
    .option('-f, --format <string>', 'Format output using a custom template')
    .action(async (opts: { format?: string }) => {
      const client = {
        Version: BERTH_VERSION,
        ApiVersion: API_VERSION,
        GoVersion: `node${process.versions.node}`,
        Os: 'linux',
        Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      };
      let server: Awaited<ReturnType<ReturnType<CliContext['client']>['version']>> | undefined;
      let serverError: unknown;
      try {
        server = await ctx.client().version();
      } catch (err) {
        serverError = err;
      }
      if (opts.format) {
        ctx.out(compileTemplate(opts.format).execute({ Client: client, Server: server ?? null }) + '\n');
      } else {
        let text = `Client:\n Version:           ${client.Version}\n API version:       ${client.ApiVersion}\n Node version:      ${process.version}\n OS/Arch:           ${client.Os}/${client.Arch}\n`;
        if (server) {
          text += `\nServer: Berth Engine\n Engine:\n  Version:          ${server.Version}\n  API version:      ${server.ApiVersion} (minimum version ${server.MinAPIVersion})\n  OS/Arch:          ${server.Os}/${server.Arch}\n  Kernel:           ${server.KernelVersion}\n`;
        }
        ctx.out(text);
      }
      if (serverError) throw serverError;
    });
}
