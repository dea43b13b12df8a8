import { parseArgs } from 'node:util';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../core/errors.js';
import { BERTH_VERSION } from '../core/version.js';
import { createLogger } from '../util/logger.js';
import { LocalContentStore } from '../content/local-store.js';
import { OverlaySnapshotter } from '../snapshots/overlay/overlay-snapshotter.js';
import { ImageStore } from '../images/image-store.js';
import { collectGarbage } from '../images/gc.js';
import { WriteTracker, type DaemonContext } from '../daemon/context.js';
import { imagesBackend } from '../daemon/images/images-backend.js';
import { systemBackend } from '../daemon/system/system-backend.js';
import { DEFAULTS, checkLevel, readConfigFile, type DaemonConfig } from '../daemon/boot/daemon-config.js';
import { claimPidFile } from '../daemon/boot/pid-lock.js';
import { listenOn } from '../daemon/boot/listen.js';
import { Router } from '../api/router.js';
import { createApiServer } from '../api/server.js';
import { systemRoutes } from '../api/routes/system/routes.js';
import { imageRoutes } from '../api/routes/images/routes.js';

const USAGE = `Usage: berthd [OPTIONS]

A Docker-compatible container engine daemon

Options:
      --config-file string   Daemon configuration file (JSON, like daemon.json)
      --data-root string     Root directory of persistent state (default "/var/lib/berth")
      --exec-root string     Root directory for execution state (default "/run/berth")
  -H, --host list            Daemon socket to listen on (default unix:///run/berth/berth.sock)
  -l, --log-level string     Logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
  -v, --version              Print version information and quit
`;

async function configFromArgs(argv: string[]): Promise<DaemonConfig> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'config-file': { type: 'string' },
      'data-root': { type: 'string' },
      'exec-root': { type: 'string' },
      host: { type: 'string', short: 'H', multiple: true },
      'log-level': { type: 'string', short: 'l' },
      version: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values.version) {
    process.stdout.write(`Berth version ${BERTH_VERSION}\n`);
    process.exit(0);
  }
  const file = values['config-file'] ? await readConfigFile(values['config-file']) : {};
  const cfg: DaemonConfig = { ...DEFAULTS, ...file };
  if (values['data-root']) cfg.dataRoot = values['data-root'];
  if (values['exec-root']) cfg.execRoot = values['exec-root'];
  if (values['log-level']) cfg.logLevel = checkLevel(values['log-level']);
  if (values.host?.length) cfg.hosts = values.host;
  else if (values['exec-root'] && !file.hosts) cfg.hosts = [`unix://${join(values['exec-root'], 'berth.sock')}`];
  return cfg;
}

async function main(): Promise<void> {
  const cfg = await configFromArgs(process.argv.slice(2));
  const logger = createLogger(cfg.logLevel);
  await mkdir(cfg.dataRoot, { recursive: true, mode: 0o711 });
  await mkdir(cfg.execRoot, { recursive: true, mode: 0o700 });
  const releaseData = await claimPidFile(join(cfg.dataRoot, 'berthd.pid'), `data root ${cfg.dataRoot}`);
  const releaseExec = await claimPidFile(join(cfg.execRoot, 'berthd.pid'), `exec root ${cfg.execRoot}`);

  const content = await LocalContentStore.open(join(cfg.dataRoot, 'content'));
  const snapshots = await OverlaySnapshotter.open(join(cfg.dataRoot, 'snapshots'), { logger });
  const store = await ImageStore.open(join(cfg.dataRoot, 'images'));
  const images = { content, snapshots, store, logger };
  const ctx: DaemonContext = {
    dataRoot: cfg.dataRoot,
    execRoot: cfg.execRoot,
    logger,
    images,
    writes: new WriteTracker(),
    containersUsing: () => [],
    containerSnapshots: () => new Set(),
  };
  // Whatever a crash mid-import/load left behind is referenced by no image record.
  const swept = await collectGarbage(images, { keepSnapshots: ctx.containerSnapshots() });
  if (swept.snapshots || swept.blobs) logger.info('removed leftovers of interrupted work', swept);

  const router = new Router()
    .add(systemRoutes(systemBackend(ctx, () => ({ total: 0, running: 0, paused: 0, stopped: 0 }))))
    .add(imageRoutes(imagesBackend(ctx)));
  const servers = cfg.hosts.map(() => createApiServer(router, logger));
  const sockets: string[] = [];
  for (const [i, host] of cfg.hosts.entries()) sockets.push(await listenOn(servers[i]!, host));
  logger.info('berthd started', { version: BERTH_VERSION, dataRoot: cfg.dataRoot, execRoot: cfg.execRoot, hosts: cfg.hosts });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    for (const server of servers) {
      server.close();
      server.closeAllConnections();
    }
    for (const s of sockets) await rm(s, { force: true });
    await releaseExec();
    await releaseData();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`berthd: ${messageOf(err)}\n`);
  process.exit(1);
});

// A bug in one request must not take down every container's daemon: log it and go on.
process.on('uncaughtException', (err) => {
  process.stderr.write(`berthd: uncaught exception: ${err.stack ?? err.message}\n`);
});
