import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ApiError, ConnectError } from '../client/transport.js';
import { createContext, resolveHost } from './context.js';
import { registerVersion } from './commands/system/version.js';
import { registerInfo } from './commands/system/info.js';
import { registerSystemDf } from './commands/system/df.js';
import { registerSystemPrune } from './commands/system/prune.js';
import { registerImageLs } from './commands/image/ls.js';
import { registerImport } from './commands/image/import.js';
import { registerLoad } from './commands/image/load.js';
import { registerSave } from './commands/image/save.js';
import { registerTag } from './commands/image/tag.js';
import { registerRmi } from './commands/image/rm.js';
import { registerHistory } from './commands/image/history.js';
import { registerImageInspect } from './commands/image/inspect.js';
import { registerRun } from './commands/container/run.js';
import { registerCreate } from './commands/container/create.js';
import { registerStart } from './commands/container/start.js';
import { registerAttach } from './commands/container/attach.js';
import { registerExec } from './commands/container/exec.js';
import { registerLifecycle } from './commands/container/lifecycle.js';
import { registerPs } from './commands/container/ps.js';
import { registerLogs } from './commands/container/logs.js';
import { registerInspect } from './commands/container/inspect.js';
import { registerContainerPrune } from './commands/container/prune.js';
import { registerImagePrune } from './commands/image/prune.js';
import { registerDiff } from './commands/container/diff.js';
import { registerCommit } from './commands/container/commit.js';
import { registerExport } from './commands/container/export.js';
import { registerCp } from './commands/container/cp.js';
import { registerPause } from './commands/container/pause.js';
import { registerTop } from './commands/container/top.js';
import { registerStats } from './commands/container/stats.js';
import { registerUpdate } from './commands/container/update.js';
import { registerPort } from './commands/container/port.js';
import { registerEvents } from './commands/system/events.js';
import { registerBuild } from './commands/image/build.js';
import { TemplateError } from './format/template.js';
import { registerVolumeCreate } from './commands/volume/create.js';
import { registerVolumeLs } from './commands/volume/ls.js';
import { registerVolumeInspect } from './commands/volume/inspect.js';
import { registerVolumeRm } from './commands/volume/rm.js';
import { registerVolumePrune } from './commands/volume/prune.js';
import { registerPull } from './commands/image/pull.js';
import { registerPush } from './commands/image/push.js';
import { registerLogin } from './commands/system/login.js';
import { registerLogout } from './commands/system/logout.js';
import { registerRegistry, type ServeRegistry } from './commands/registry/serve.js';
import { registerNetworkCommands } from './commands/network/register.js';

/** Implementations the composition root hands in for commands that do not go through berthd. */
export interface CliHooks {
  serveRegistry?: ServeRegistry;
}

export function buildProgram(hooks: CliHooks = {}): Command {
  const program = new Command('berth');
  program
    .description('A Docker-compatible container engine')
    .option('-H, --host <socket>', 'Daemon socket to connect to (env BERTH_HOST, DOCKER_HOST)')
    .option('-D, --debug', 'Enable debug mode')
    .version('0.1.0', '-v, --version', 'Print version information and quit')
    .showHelpAfterError(false)
    .enablePositionalOptions()
    .exitOverride();
  const ctx = createContext(() => resolveHost(program.opts<{ host?: string }>().host));

  registerVersion(program, ctx);
  registerInfo(program, ctx);
  const system = program.command('system').description('Manage Berth').exitOverride();
  registerSystemDf(system, ctx);
  registerSystemPrune(system, ctx);
  registerInfo(system, ctx);
  const image = program.command('image').description('Manage images').exitOverride();
  registerImageLs(program, image, ctx);
  registerImport(program, image, ctx);
  registerLoad(program, image, ctx);
  registerSave(program, image, ctx);
  registerTag(program, image, ctx);
  registerRmi(program, image, ctx);
  registerHistory(program, image, ctx);
  registerImageInspect(image, ctx);
  registerImagePrune(image, ctx);
  registerPull(program, image, ctx);
  registerPush(program, image, ctx);
  registerLogin(program, ctx);
  registerLogout(program, ctx);
  registerBuild(program, image, ctx);
  const container = program.command('container').description('Manage containers').exitOverride();
  registerRun(program, container, ctx);
  registerCreate(program, container, ctx);
  registerStart(program, container, ctx);
  registerAttach(program, container, ctx);
  registerExec(program, container, ctx);
  registerLifecycle(program, container, ctx);
  registerPs(program, container, ctx);
  registerLogs(program, container, ctx);
  registerInspect(program, container, ctx);
  registerContainerPrune(container, ctx);
  registerDiff(program, container, ctx);
  registerCommit(program, container, ctx);
  registerExport(program, container, ctx);
  registerCp(program, container, ctx);
  registerPause(program, container, ctx);
  registerTop(program, container, ctx);
  registerStats(program, container, ctx);
  registerUpdate(program, container, ctx);
  registerPort(program, container, ctx);
  registerEvents(program, ctx);
  const volume = program.command('volume').description('Manage volumes').exitOverride();
  registerVolumeCreate(volume, ctx);
  registerVolumeLs(volume, ctx);
  registerVolumeInspect(volume, ctx);
  registerVolumeRm(volume, ctx);
  registerVolumePrune(volume, ctx);
  registerRegistry(program, hooks.serveRegistry);
  const network = registerNetworkCommands(program, ctx);
  for (const c of [...program.commands, ...image.commands, ...container.commands, ...volume.commands, ...network.commands]) c.exitOverride();
  return program;
}

/** Runs the CLI; errors are printed as Docker prints them, with its exit codes. */
export async function runCli(argv: string[], hooks: CliHooks = {}): Promise<number> {
  const program = buildProgram(hooks);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // Thrown by our own flag parsing inside an action: commander has not printed it (its own parse errors it has).
    if (err instanceof InvalidArgumentError) {
      process.stderr.write(`berth: ${err.message}\n`);
      return 125;
    }
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return err.exitCode === 0 ? 0 : 125;
    }
    if (err instanceof ApiError) process.stderr.write(`Error response from daemon: ${err.message}\n`);
    else if (err instanceof ConnectError || err instanceof TemplateError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
