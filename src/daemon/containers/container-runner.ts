import { access, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Conflict, messageOf } from '../../core/errors.js';
import { buildSpec, readHardLimits, readHostDevices, resolveDevice, type DeviceGrant } from '../../runtime/spec/index.js';
import { writeJsonAtomic } from '../../util/atomic.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';
import { containerEtcFiles } from '../networks/container-etc.js';
import { setupNetworking, teardownNetworking } from '../networks/container-network.js';
import { resolveUser } from './resolve-user.js';
import { emitContainerEvent } from '../events/emit.js';
import { releaseMounts, startMounts } from './mounts/runtime-mounts.js';
import { forgetMounts } from './mounts/resolve-mounts.js';
import { withInit } from './init.js';
import { cgroupKey } from './cgroup-files.js';
import { keepLogRotated, prepareContainerLog } from './log-rotation.js';

/** Where a container's rootfs is mounted while it runs. */
export function rootfsOf(ctx: DaemonContext, id: string): string {
  return join(ctx.containers.store.dir(id), 'rootfs');
}

export function logPathOf(ctx: DaemonContext, id: string): string {
  return join(ctx.containers.store.dir(id), 'container.log');
}

/** Mounts the rootfs, writes the bundle and has the runtime create and start the container. */
export async function startContainer(ctx: DaemonContext, c: ContainerRecord): Promise<void> {
  const { runtime, mounter, bundleRoot, exitDir, store } = ctx.containers;
  const rootfs = rootfsOf(ctx, c.Id);
  const bundle = join(bundleRoot, c.Id);
  await Promise.all([
    mkdir(rootfs, { recursive: true }),
    mkdir(exitDir, { recursive: true }).then(() => rm(join(exitDir, c.Id), { force: true })),
    // A previous run's exit and oom markers must not describe this one.
    rm(join(bundle, 'persist'), { recursive: true, force: true }),
    runtime.delete(c.Id, true).catch(() => undefined),
  ]);
  const mountRootfs = async () => {
    if (!(await mounter.isMountPoint(rootfs))) await mounter.mountAll(await ctx.images.snapshots.mounts(c.SnapshotKey), rootfs);
  };
  try {
    const hc = c.HostConfig;
    // Rootfs, network and volumes do not depend on each other. The namespace, veths and ports
    // exist before runc runs: the spec only names the namespace.
    const [, network, volumes] = await allSettledOrThrow([mountRootfs(), setupNetworking(ctx, c), startMounts(ctx, c)]);
    const [etc, user, devices] = await allSettledOrThrow([
      containerEtcFiles(ctx, c),
      resolveUser(rootfs, c.Config.User, hc.GroupAdd ?? []),
      grantDevices(hc.Devices ?? []),
    ]);
    const env = [...(c.Config.Env ?? [])];
    if (!env.some((e) => e.startsWith('HOSTNAME='))) env.push(`HOSTNAME=${c.Config.Hostname}`);
    if (c.Config.Tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
    if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home}`);
    const securityOpts = hc.SecurityOpt ?? [];
    const cpuPeriod = hc.NanoCpus ? 100000 : hc.CpuPeriod;
    const cpuQuota = hc.NanoCpus ? Math.round((hc.NanoCpus / 1e9) * 100000) : hc.CpuQuota;
    const init = withInit(ctx, c);
    const spec = buildSpec({
      rootfs,
      readonlyRootfs: hc.ReadonlyRootfs ?? false,
      args: init ? init.args : [c.Path, ...c.Args],
      env,
      cwd: c.Config.WorkingDir || '/',
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      hostname: c.Config.Hostname,
      terminal: c.Config.Tty ?? false,
      capAdd: hc.CapAdd ?? [],
      capDrop: hc.CapDrop ?? [],
      privileged: hc.Privileged ?? false,
      capabilityCeiling: ctx.containers.hostCapabilities,
      // Read at each start, as dockerd does: devices come and go with the host's hardware.
      hostDevices: hc.Privileged ? await readHostDevices() : undefined,
      devices,
      pid: joinedNamespace(ctx, hc.PidMode, 'pid'),
      ipc: joinedNamespace(ctx, hc.IpcMode, 'ipc'),
      oomScoreAdj: hc.OomScoreAdj || undefined,
      uts: hc.UTSMode || undefined,
      noNewPrivileges: securityOpts.some((o) => o === 'no-new-privileges' || o === 'no-new-privileges:true' || o === 'no-new-privileges=true'),
      seccomp: !securityOpts.includes('seccomp=unconfined') && !securityOpts.includes('seccomp:unconfined'),
      mounts: [
        { destination: '/etc/hostname', type: 'bind', source: etc.hostname, options: ['rbind', 'rprivate'] },
        { destination: '/etc/hosts', type: 'bind', source: etc.hosts, options: ['rbind', 'rprivate'] },
        { destination: '/etc/resolv.conf', type: 'bind', source: etc.resolvConf, options: ['rbind', 'rprivate'] },
        ...volumes.mounts,
        ...(init ? [init.mount] : []),
      ],
      tmpfs: volumes.tmpfs,
      rootfsPropagation: volumes.rootfsPropagation,
      network,
      resources: {
        memory: hc.Memory,
        memorySwap: hc.MemorySwap,
        cpuShares: hc.CpuShares,
        cpuQuota,
        cpuPeriod,
        cpusetCpus: hc.CpusetCpus,
        pidsLimit: hc.PidsLimit ?? undefined,
        memoryReservation: hc.MemoryReservation || undefined,
        disableOomKiller: hc.OomKillDisable ?? undefined,
        swappiness: hc.MemorySwappiness ?? undefined,
        cpusetMems: hc.CpusetMems || undefined,
      },
      ulimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
      rlimitCeilings: await readHardLimits(),
      cgroupsPath: `/${cgroupKey(c)}`,
      sysctls: hc.Sysctls ?? undefined,
      shmSize: hc.ShmSize || undefined,
    });
    const writeBundle = async () => {
      await mkdir(bundle, { recursive: true });
      await writeJsonAtomic(join(bundle, 'config.json'), spec);
    };
    const [, logMaxSize] = await allSettledOrThrow([writeBundle(), prepareContainerLog(ctx, c)]);
    const created = await runtime.create({
      id: c.Id,
      bundle,
      logPath: logPathOf(ctx, c.Id),
      exitDir,
      persistDir: join(bundle, 'persist'),
      terminal: c.Config.Tty ?? false,
      stdin: c.Config.OpenStdin ?? false,
      // Docker closes stdin on the client's EOF only with StdinOnce, and never under a TTY (a detach must not hang it up).
      leaveStdinOpen: (c.Config.Tty ?? false) || !(c.Config.StdinOnce ?? false),
      logMaxSize: logMaxSize || undefined,
    });
    // Attaches waiting for this start connect to the monitor now, before any output.
    await ctx.containers.events.created(c.Id);
    await runtime.start(c.Id);
    c.State = {
      ...c.State,
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: created.pid,
      ExitCode: 0,
      Error: '',
      StartedAt: new Date().toISOString(),
      FinishedAt: '0001-01-01T00:00:00Z',
    };
    ctx.containers.health?.watch(c);
    await store.save(c);
    emitContainerEvent(ctx, c, 'start');
  } catch (err) {
    ctx.containers.health?.unwatch(c.Id);
    await runtime.delete(c.Id, true).catch(() => undefined);
    await teardownNetworking(ctx, c).catch((e: unknown) => ctx.logger.warn('network teardown failed', { id: c.Id, error: messageOf(e) }));
    await mounter.unmount(rootfs, { detach: true }).catch(() => undefined);
    await releaseMounts(ctx, c);
    c.State = { ...c.State, Error: messageOf(err), ExitCode: 128 };
    await store.save(c).catch(() => undefined);
    throw err;
  }
  watchExit(ctx, c.Id);
}

/** `--device` grants, each host path resolved now: devices come and go with the host's hardware. */
async function grantDevices(devices: NonNullable<ContainerRecord['HostConfig']['Devices']>): Promise<DeviceGrant[]> {
  const out: DeviceGrant[] = [];
  for (const d of devices) out.push(...(await resolveDevice(d.PathOnHost, d.PathInContainer || d.PathOnHost, d.CgroupPermissions || 'rwm')));
  return out;
}

/** `--pid`/`--ipc`: `host` as is, `container:<ref>` the running container's namespace, else its own. */
function joinedNamespace(ctx: DaemonContext, mode: string | undefined, type: 'pid' | 'ipc'): string | undefined {
  if (!mode?.startsWith('container:')) return mode || undefined;
  const other = ctx.containers.store.get(mode.slice('container:'.length));
  if (!other.State.Running) throw new Conflict(`cannot join ${type.toUpperCase()} of a non running container: ${other.Id}`);
  return `/proc/${other.State.Pid}/ns/${type}`;
}

/**
 * Promise.all that waits for every step before it throws the first failure: the caller's
 * cleanup must not race a step that is still setting something up.
 */
async function allSettledOrThrow<T extends readonly unknown[] | []>(steps: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(steps);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/**
 * Waits for conmon's exit file in the background; also used after a berthd
 * restart for containers that kept running (live restore).
 */
export function watchExit(ctx: DaemonContext, id: string): void {
  const { runtime, exitDir, store } = ctx.containers;
  const c = store.tryGet(id);
  const stopRotation = c ? keepLogRotated(ctx, c) : () => undefined;
  runtime.waitExit(exitDir, id).then(
    (code) => {
      stopRotation();
      return handleExit(ctx, id, code);
    },
    (err: unknown) => {
      stopRotation();
      ctx.logger.error('waiting for container exit failed', { id, error: messageOf(err) });
    },
  );
}

export async function handleExit(ctx: DaemonContext, id: string, code: number): Promise<void> {
  const { store, runtime, mounter, events } = ctx.containers;
  const c = store.tryGet(id);
  if (!c || c.Id !== id) return;
  ctx.containers.health?.unwatch(id);
  // conmon leaves an `oom` file in the persist dir when the kernel's OOM killer hit the container.
  // The exit file's time is when the container ended, also when berthd learns of it later (live restore).
  // The container's init is gone: runc's state, the network and the (lazily detached) rootfs mount do not
  // depend on each other, so they are released together; `wait` and attached clients wait for all of it.
  const [finishedAt, oomKilled] = await Promise.all([
    stat(join(ctx.containers.exitDir, id)).then(
      (st) => st.mtime.toISOString(),
      () => new Date().toISOString(),
    ),
    access(join(ctx.containers.bundleRoot, id, 'persist', 'oom')).then(
      () => true,
      () => false,
    ),
    runtime.delete(id, true).catch(() => undefined),
    teardownNetworking(ctx, c).catch((err: unknown) => ctx.logger.warn('network teardown failed', { id, error: messageOf(err) })),
    mounter.unmount(rootfsOf(ctx, id), { detach: true }).catch(() => undefined),
  ]);
  await releaseMounts(ctx, c);
  c.State = { ...c.State, Status: 'exited', Running: false, Paused: false, Restarting: false, OOMKilled: oomKilled, Pid: 0, ExitCode: code, FinishedAt: finishedAt };
  await store.save(c);
  ctx.logger.debug('container exited', { id, code });
  emitContainerEvent(ctx, c, 'die', { exitCode: String(code) });
  events.exited(id, code);
  if (c.HostConfig.AutoRemove) {
    await events.outputReleased(id, 10_000);
    await removeContainerNow(ctx, c, { removeVolumes: true }).catch((err: unknown) => ctx.logger.warn('auto-remove failed', { id, error: messageOf(err) }));
    return;
  }
  if (shouldRestart(c, code)) {
    c.RestartCount++;
    c.State = { ...c.State, Restarting: true, Status: 'restarting' };
    await store.save(c);
    const delay = Math.min(100 * 2 ** Math.min(c.RestartCount - 1, 10), 60_000);
    setTimeout(() => {
      const cur = store.tryGet(id);
      if (!cur || cur.ManuallyStopped) return;
      startContainer(ctx, cur).catch((err: unknown) => ctx.logger.warn('restart failed', { id, error: messageOf(err) }));
    }, delay);
  }
}

function shouldRestart(c: ContainerRecord, code: number): boolean {
  if (c.ManuallyStopped) return false;
  const p = c.HostConfig.RestartPolicy;
  switch (p?.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return code !== 0 && (!p.MaximumRetryCount || c.RestartCount < p.MaximumRetryCount);
    default:
      return false;
  }
}

/**
 * Removes a stopped container: runtime state, rootfs mount, snapshot, record, its volume
 * references and, with `removeVolumes` (`rm -v`, `--rm`), its anonymous volumes.
 */
export async function removeContainerNow(ctx: DaemonContext, c: ContainerRecord, opts: { removeVolumes?: boolean } = {}): Promise<void> {
  const { store, runtime, mounter, events, bundleRoot, exitDir } = ctx.containers;
  if (c.State.Running) throw new Conflict(`You cannot remove a running container ${c.Id}. Stop the container before attempting removal or force remove`);
  // Each group is independent within; the snapshot goes only once nothing has it mounted, and the
  // record (what makes the container exist) last, so a crash midway leaves a container to remove again.
  await Promise.all([
    runtime.delete(c.Id, true).catch(() => undefined),
    teardownNetworking(ctx, c).catch((err: unknown) => ctx.logger.warn('network teardown failed', { id: c.Id, error: messageOf(err) })),
    mounter.unmount(rootfsOf(ctx, c.Id), { detach: true }).catch(() => undefined),
  ]);
  await Promise.all([
    ctx.images.snapshots.remove(c.SnapshotKey).catch((err: unknown) => {
      ctx.logger.warn('removing container snapshot failed', { id: c.Id, error: messageOf(err) });
    }),
    rm(join(bundleRoot, c.Id), { recursive: true, force: true }),
    rm(join(exitDir, c.Id), { force: true }),
  ]);
  await store.delete(c.Id);
  await forgetMounts(ctx, c.Id, c.MountPoints ?? [], opts.removeVolumes ?? false);
  emitContainerEvent(ctx, c, 'destroy');
  events.removed(c.Id);
}
