import { parseArgs } from 'node:util';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { messageOf } from '../core/errors.js';
import { BERTH_VERSION } from '../core/version.js';
import { createLogger } from '../util/logger.js';
import { LocalContentStore } from '../content/local-store.js';
import { OverlaySnapshotter } from '../snapshots/overlay/overlay-snapshotter.js';
import { ImageStore } from '../images/image-store.js';
import { collectGarbage } from '../images/gc.js';
import { WriteTracker, containerSnapshots, type DaemonContext } from '../daemon/context.js';
import { ContainerStore } from '../daemon/containers/container-store.js';
import { LifecycleEvents } from '../daemon/containers/lifecycle-events.js';
import { EventBus } from '../daemon/events/event-bus.js';
import { containerOpsBackend } from '../daemon/containers/container-ops-backend.js';
import { containerOpsRoutes } from '../api/routes/containers/ops-routes.js';
import { eventsRoutes } from '../api/routes/system/events-routes.js';
import { streamEventLines } from '../daemon/events/stream-events.js';
import { restoreContainers } from '../daemon/containers/restore.js';
import { HealthMonitors } from '../daemon/health/health-monitor.js';
import { readBoundingSet } from '../runtime/spec/host-capabilities.js';
import { containersBackend } from '../daemon/containers/containers-backend.js';
import { ConmonRuncRuntime } from '../runtime/runc/conmon-runc-runtime.js';
import { ConmonContainerIo, preloadConmonAttach } from '../runtime/runc/conmon-attach.js';
import { ConmonExec } from '../runtime/runc/conmon-exec.js';
import { ExecStore } from '../daemon/exec/exec-record.js';
import { execBackend } from '../daemon/exec/exec-use-cases.js';
import { execRoutes } from '../api/routes/exec/routes.js';
import { mountAll, unmount, isMountPoint } from '../mount/mount.js';
import { containerRoutes } from '../api/routes/containers/routes.js';
import { containerFsRoutes } from '../api/routes/containers/archive-routes.js';
import { containerFsBackend } from '../daemon/containers/container-fs-backend.js';
import { imagesBackend } from '../daemon/images/images-backend.js';
import { systemBackend } from '../daemon/system/system-backend.js';
import { DEFAULTS, checkBridgeName, checkChainPrefix, checkLevel, parseAddressPool, parseAttempts, readConfigFile, type DaemonConfig } from '../daemon/boot/daemon-config.js';
import { readFileSync } from 'node:fs';
import { NetworkStore } from '../daemon/networks/network-store.js';
import { FileIpam } from '../network/ipam.js';
import { IpNetworkDriver } from '../network/ip-driver.js';
import { IptablesFirewall } from '../network/iptables-firewall.js';
import { SocketPortReserver } from '../network/socket-port-reserver.js';
import { EmbeddedDns } from '../network/dns-server.js';
import { lookupName, upstreamsFor } from '../daemon/networks/dns-lookup.js';
import { reconcileNetworks } from '../daemon/networks/reconcile.js';
import { ensurePredefinedNetworks } from '../daemon/networks/predefined.js';
import { networksBackend } from '../daemon/networks/networks-backend.js';
import { networkRoutes } from '../api/routes/networks/routes.js';
import { claimPidFile } from '../daemon/boot/pid-lock.js';
import { listenOn } from '../daemon/boot/listen.js';
import { Router } from '../api/router.js';
import { createApiServer } from '../api/server.js';
import { systemRoutes } from '../api/routes/system/routes.js';
import { imageRoutes } from '../api/routes/images/routes.js';
import { VolumeStore } from '../volumes/volume-store.js';
import { volumesBackend } from '../daemon/volumes/volumes-backend.js';
import { volumeRoutes } from '../api/routes/volumes/routes.js';
import { restoreVolumeUse } from '../daemon/containers/mounts/runtime-mounts.js';
import { distributionRoutes } from '../api/routes/distribution/routes.js';
import { distributionBackend } from '../daemon/images/distribution-backend.js';
import { buildRoutes } from '../api/routes/build/routes.js';
import { BuildService } from '../daemon/build/build-service.js';

const USAGE = `Usage: berthd [OPTIONS]

A Docker-compatible container engine daemon

Options:
      --config-file string   Daemon configuration file (JSON, like daemon.json)
      --data-root string     Root directory of persistent state (default "/var/lib/berth")
      --exec-root string     Root directory for execution state (default "/run/berth")
  -H, --host list            Daemon socket to listen on (default unix:///run/berth/berth.sock)
      --insecure-registry list   Enable insecure registry communication
  -l, --log-level string     Logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
      --max-download-attempts int
                             Maximum download attempts for each pull (default 5)
      --registry-mirror list     Preferred registry mirror
  -b, --bridge string        Linux bridge of the default network (default "berth0")
      --bip string           Address and prefix of the default bridge (default "10.89.0.1/16")
      --default-address-pool pool-options
                             Default address pools for user networks (base=10.90.0.0/15,size=24)
      --iptables-chain-prefix string
                             Name prefix of berthd's iptables chains (default "BERTH")
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
      'insecure-registry': { type: 'string', multiple: true },
      'registry-mirror': { type: 'string', multiple: true },
      'max-download-attempts': { type: 'string' },
      version: { type: 'boolean', short: 'v' },
      bridge: { type: 'string', short: 'b' },
      bip: { type: 'string' },
      'default-address-pool': { type: 'string', multiple: true },
      'iptables-chain-prefix': { type: 'string' },
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
  if (values['insecure-registry']?.length) cfg.insecureRegistries = [...cfg.insecureRegistries, ...values['insecure-registry']];
  if (values['registry-mirror']?.length) cfg.registryMirrors = [...cfg.registryMirrors, ...values['registry-mirror']];
  if (values['max-download-attempts'] !== undefined) cfg.maxDownloadAttempts = parseAttempts(values['max-download-attempts']);
  if (values.bridge) cfg.bridge = checkBridgeName(values.bridge);
  if (values.bip) cfg.bip = values.bip;
  if (values['default-address-pool']?.length) cfg.defaultAddressPools = values['default-address-pool'].map(parseAddressPool);
  if (values['iptables-chain-prefix']) cfg.iptablesChainPrefix = checkChainPrefix(values['iptables-chain-prefix']);
  if (values.host?.length) cfg.hosts = values.host;
  else if (values['exec-root'] && !file.hosts) cfg.hosts = [`unix://${join(values['exec-root'], 'berth.sock')}`];
  return cfg;
}

function readHostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

function countContainers(ctx: DaemonContext) {
  const all = ctx.containers.store.list();
  const running = all.filter((c) => c.State.Running && !c.State.Paused).length;
  const paused = all.filter((c) => c.State.Paused).length;
  return { total: all.length, running, paused, stopped: all.length - running - paused };
}

async function main(): Promise<void> {
  const cfg = await configFromArgs(process.argv.slice(2));
  const logger = createLogger(cfg.logLevel);
  await mkdir(cfg.dataRoot, { recursive: true, mode: 0o711 });
  await mkdir(cfg.execRoot, { recursive: true });
  // The socket lives here: members of group berth must be able to reach it, nothing more.
  await chmod(cfg.execRoot, 0o711);
  const releaseData = await claimPidFile(join(cfg.dataRoot, 'berthd.pid'), `data root ${cfg.dataRoot}`);
  const releaseExec = await claimPidFile(join(cfg.execRoot, 'berthd.pid'), `exec root ${cfg.execRoot}`);

  const content = await LocalContentStore.open(join(cfg.dataRoot, 'content'));
  const snapshots = await OverlaySnapshotter.open(join(cfg.dataRoot, 'snapshots'), { logger });
  const store = await ImageStore.open(join(cfg.dataRoot, 'images'));
  const images = { content, snapshots, store, logger };
  const runtime = new ConmonRuncRuntime({ runcRoot: join(cfg.execRoot, 'runc'), logger });
  const ctx: DaemonContext = {
    dataRoot: cfg.dataRoot,
    execRoot: cfg.execRoot,
    logger,
    images,
    writes: new WriteTracker(),
    containers: {
      store: await ContainerStore.open(join(cfg.dataRoot, 'containers')),
      runtime,
      mounter: { mountAll, unmount, isMountPoint },
      events: new LifecycleEvents(),
      bundleRoot: join(cfg.execRoot, 'containers'),
      exitDir: join(cfg.execRoot, 'exits'),
      logOpts: cfg.logOpts,
      init: { path: cfg.initPath, default: cfg.init },
      hostCapabilities: await readBoundingSet(),
    },
    eventBus: new EventBus(),
    volumes: await VolumeStore.open(join(cfg.dataRoot, 'volumes'), { mountAll, unmount, isMountPoint }, logger),
    registry: { insecureRegistries: cfg.insecureRegistries, registryMirrors: cfg.registryMirrors, maxDownloadAttempts: cfg.maxDownloadAttempts },
    networks: {
      store: await NetworkStore.open(join(cfg.dataRoot, 'network')),
      ipam: await FileIpam.open(join(cfg.dataRoot, 'network')),
      driver: new IpNetworkDriver(),
      firewall: new IptablesFirewall(cfg.iptablesChainPrefix),
      ports: new SocketPortReserver(),
      // Answers from the records of this context (the closures run only once it exists).
      dns: new EmbeddedDns(
        (q) => lookupName(ctx, q),
        (source) => upstreamsFor(ctx, source, readHostResolvConf),
        logger,
      ),
      defaultBridge: cfg.bridge,
      bip: cfg.bip,
      pools: cfg.defaultAddressPools,
      sandboxDir: join(cfg.execRoot, 'netns'),
      hostResolvConf: () => readHostResolvConf(),
    },
  };
  const execRuntime = new ConmonExec({
    binaries: () => runtime.binaries(),
    runcRoot: join(cfg.execRoot, 'runc'),
    bundleRoot: ctx.containers.bundleRoot,
    execRoot: join(cfg.execRoot, 'execs'),
    socketDir: join(cfg.execRoot, 'sockets'),
    logger,
  });
  // Before restore: containers found running get their healthchecks back.
  ctx.containers.health = new HealthMonitors(ctx, execRuntime);
  // Volume references and holds first: live restore releases those of containers that exited meanwhile.
  await restoreVolumeUse(ctx);
  await ensurePredefinedNetworks(ctx);
  await restoreContainers(ctx);
  await reconcileNetworks(ctx);
  await ctx.volumes.reconcileMounts();
  // Exec sessions live in memory: directories of those the previous berthd left (monitor gone) go now.
  const execsSwept = await execRuntime.sweep();
  if (execsSwept.length) logger.info('removed exec directories left by a previous run', { count: execsSwept.length });
  // Before GC: unmounts step rootfs a crash left, so their snapshots can be swept.
  const builds = await BuildService.open(ctx);
  // Whatever a crash mid-import/load left behind is referenced by no image record.
  const swept = await collectGarbage(images, { keepSnapshots: containerSnapshots(ctx) });
  if (swept.snapshots || swept.blobs) logger.info('removed leftovers of interrupted work', swept);

  const router = new Router()
    .add(systemRoutes(systemBackend(ctx, () => countContainers(ctx), () => builds.cacheMountRecords())))
    .add(buildRoutes(builds))
    .add(imageRoutes(imagesBackend(ctx)))
    .add(distributionRoutes(distributionBackend(ctx)))
    .add(containerRoutes(containersBackend(ctx, new ConmonContainerIo(ctx.containers.bundleRoot))))
    .add(containerFsRoutes(containerFsBackend(ctx)))
    .add(containerOpsRoutes(containerOpsBackend(ctx)))
    .add(volumeRoutes(volumesBackend(ctx)))
    .add(networkRoutes(networksBackend(ctx)))
    .add(eventsRoutes({ events: (q) => streamEventLines(ctx, q) }))
    .add(execRoutes(execBackend({ ctx, execs: new ExecStore(), runtime: execRuntime })));
  const servers = cfg.hosts.map(() => createApiServer(router, logger));
  const sockets: string[] = [];
  for (const [i, host] of cfg.hosts.entries()) sockets.push(await listenOn(servers[i]!, host));
  logger.info('berthd started', { version: BERTH_VERSION, dataRoot: cfg.dataRoot, execRoot: cfg.execRoot, hosts: cfg.hosts });
  // Once serving: the attach addon loads while berthd is idle, not on the first exec.
  setImmediate(preloadConmonAttach);

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
