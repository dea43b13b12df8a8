import { mergeHealthcheck } from '../health/health-rules.js';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { InvalidArgument, NotFound } from '../../core/errors.js';
import type { ContainerCreateBody, ContainerCreateConfig, HostConfig } from '../../core/wire/containers.js';
import { readConfig } from '../../images/create-image.js';
import type { DaemonContext } from '../context.js';
import { initialState, type ContainerRecord } from './container-record.js';
import { resolveLogConfig } from './log-config.js';
import { randomName } from './names.js';
import { emitContainerEvent } from '../events/emit.js';
import { createMountVolumes, forgetMounts, planMounts, populateVolumes } from './mounts/resolve-mounts.js';
import { hostname as hostHostname } from 'node:os';
import { networkSettingsAtCreate } from '../networks/network-mode.js';
import { checkPortBindings } from '../networks/publish-ports.js';

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function asList(v: string[] | string | null | undefined): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? [v] : v;
}

function mergeEnv(base: readonly string[], over: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...over]) out.set(e.split('=')[0]!, e);
  return [...out.values()];
}

/** Docker's: the host's name with --network host, the joined container's with container:<id>, else the short ID. */
function defaultHostname(ctx: DaemonContext, mode: string | undefined, id: string): string {
  if (mode === 'host') return hostHostname();
  if (mode?.startsWith('container:')) return ctx.containers.store.tryGet(mode.slice(10))?.Config.Hostname ?? id.slice(0, 12);
  return id.slice(0, 12);
}

function validateHostConfig(hc: HostConfig): void {
  const rp = hc.RestartPolicy?.Name ?? '';
  if (!['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(rp)) throw new InvalidArgument(`invalid restart policy '${rp}'`);
  if (rp !== 'on-failure' && (hc.RestartPolicy?.MaximumRetryCount ?? 0) !== 0) {
    throw new InvalidArgument(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  if (hc.AutoRemove && rp !== '' && rp !== 'no') {
    throw new InvalidArgument("can't create 'AutoRemove' container with restart policy");
  }
  if ((hc.Memory ?? 0) < 0) throw new InvalidArgument('invalid memory limit');
  if (hc.Memory && hc.Memory < 6 * 1024 * 1024) throw new InvalidArgument('Minimum memory limit allowed is 6MB');
  if (hc.MemorySwap && hc.MemorySwap > 0 && hc.Memory && hc.MemorySwap < hc.Memory) {
    throw new InvalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (hc.NanoCpus && (hc.CpuQuota || hc.CpuPeriod)) {
    throw new InvalidArgument('Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set');
  }
  const pid = hc.PidMode ?? '';
  if (!['', 'host'].includes(pid) && !(pid.startsWith('container:') && pid.length > 10)) throw new InvalidArgument(`invalid PID mode: ${pid}`);
  const ipc = hc.IpcMode ?? '';
  if (!['', 'private', 'shareable', 'host', 'none'].includes(ipc) && !(ipc.startsWith('container:') && ipc.length > 10)) throw new InvalidArgument(`invalid IPC mode: ${ipc}`);
  if (hc.OomScoreAdj !== undefined && (hc.OomScoreAdj < -1000 || hc.OomScoreAdj > 1000)) {
    throw new InvalidArgument(`Invalid value ${hc.OomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  if (hc.MemoryReservation && hc.Memory && hc.MemoryReservation > hc.Memory) {
    throw new InvalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  for (const d of hc.Devices ?? []) {
    if (!d.PathOnHost?.startsWith('/')) throw new InvalidArgument(`invalid device path on host: ${JSON.stringify(d.PathOnHost ?? '')}`);
  }
  if (!['', 'host'].includes(hc.UTSMode ?? '')) throw new InvalidArgument(`invalid UTS mode: ${hc.UTSMode}`);
  if (hc.CgroupParent && (!/^\/?[A-Za-z0-9_.@:/-]+$/.test(hc.CgroupParent) || hc.CgroupParent.split('/').includes('..'))) {
    throw new InvalidArgument(`invalid cgroup parent: ${hc.CgroupParent}`);
  }
  if (hc.MemorySwappiness !== undefined && hc.MemorySwappiness !== null && hc.MemorySwappiness !== -1 && (hc.MemorySwappiness < 0 || hc.MemorySwappiness > 100)) {
    throw new InvalidArgument(`Invalid value: ${hc.MemorySwappiness}, valid memory swappiness range is 0-100`);
  }
  // What this engine cannot do is refused, never silently dropped.
  const refuse = (what: string, why: string) => {
    throw new InvalidArgument(`${what} is not supported by Berth: ${why}`);
  };
  if (hc.BlkioWeight) refuse('--blkio-weight', 'this host\'s block I/O scheduler has no weights (no blkio.weight in the cgroup)');
  for (const k of ['BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps'] as const) {
    if (hc[k]?.length) refuse('block I/O throttling (--device-read-bps and friends)', 'not implemented');
  }
  if (!['', 'host'].includes(hc.UsernsMode ?? '')) refuse(`--userns=${hc.UsernsMode}`, 'user namespace remapping is not implemented');
  if (!['', 'host'].includes(hc.CgroupnsMode ?? '')) refuse(`--cgroupns=${hc.CgroupnsMode}`, 'this host has cgroup v1 without cgroup namespaces');
  if (hc.Runtime && hc.Runtime !== 'runc') throw new InvalidArgument(`unknown or invalid runtime name: ${hc.Runtime}`);
  if (hc.StorageOpt && Object.keys(hc.StorageOpt).length) refuse('--storage-opt', 'overlay snapshots have no per-container size quota');
  if (hc.Isolation && hc.Isolation !== 'default') throw new InvalidArgument(`Invalid isolation: ${JSON.stringify(hc.Isolation)} - linux only supports 'default'`);
}

/** POST /containers/create: merges the image's config, reserves the name, prepares the writable snapshot. */
export async function createContainer(ctx: DaemonContext, body: ContainerCreateBody | undefined, name: string | undefined): Promise<{ Id: string; Warnings: string[] }> {
  if (!body || typeof body !== 'object') throw new InvalidArgument('config cannot be empty in order to create a container');
  if (!body.Image) throw new InvalidArgument('no image specified');
  const { store } = ctx.containers;
  if (name !== undefined && name !== '') {
    if (!NAME_RE.test(name)) throw new InvalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    store.checkName(name.startsWith('/') ? name : `/${name}`);
  }
  const imageId = ctx.images.store.tryResolve(body.Image);
  if (!imageId) throw new NotFound(`No such image: ${body.Image.includes(':') || body.Image.includes('@') ? body.Image : `${body.Image}:latest`}`);
  const rec = ctx.images.store.get(imageId)!;
  const image = (await readConfig(ctx.images, imageId)).config ?? {};

  const entrypoint = asList(body.Entrypoint) ?? asList(image.Entrypoint) ?? [];
  const userCmd = asList(body.Cmd);
  // An entrypoint given on the command line drops the image's CMD, as Docker does.
  const cmd = userCmd && userCmd.length ? userCmd : body.Entrypoint !== undefined && body.Entrypoint !== null ? [] : (asList(image.Cmd) ?? []);
  const argv = [...(entrypoint.length && entrypoint[0] === '' ? [] : entrypoint), ...cmd];
  if (argv.length === 0) throw new InvalidArgument('no command specified');

  const id = randomBytes(32).toString('hex');
  const hostConfig: HostConfig = { ...(body.HostConfig ?? {}) };
  // Resolves `default` to `bridge` and checks networks, addresses and aliases before anything is made.
  const networkSettings = networkSettingsAtCreate(ctx, hostConfig, body.NetworkingConfig, body.MacAddress || undefined);
  if (hostConfig.NetworkMode?.startsWith('container:') && body.Hostname) throw new InvalidArgument('conflicting options: hostname and the network mode');
  if (hostConfig.UTSMode === 'host' && body.Hostname) throw new InvalidArgument('conflicting options: hostname and the UTS mode');
  hostConfig.RestartPolicy ??= { Name: 'no', MaximumRetryCount: 0 };
  if (hostConfig.RestartPolicy.Name === '') hostConfig.RestartPolicy.Name = 'no';
  hostConfig.LogConfig = resolveLogConfig(hostConfig.LogConfig, ctx.containers.logOpts);
  validateHostConfig(hostConfig);

  const env = mergeEnv(image.Env ?? [], body.Env ?? []);
  if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH);
  const config: ContainerCreateConfig = {
    Hostname: body.Hostname || defaultHostname(ctx, hostConfig.NetworkMode, id),
    Domainname: body.Domainname ?? '',
    User: body.User || image.User || '',
    AttachStdin: body.AttachStdin ?? false,
    AttachStdout: body.AttachStdout ?? false,
    AttachStderr: body.AttachStderr ?? false,
    ExposedPorts: { ...(image.ExposedPorts ?? {}), ...(body.ExposedPorts ?? {}) },
    Tty: body.Tty ?? false,
    OpenStdin: body.OpenStdin ?? false,
    StdinOnce: body.StdinOnce ?? false,
    Env: env,
    Cmd: cmd,
    Image: body.Image,
    Volumes: { ...(image.Volumes ?? {}), ...(body.Volumes ?? {}) },
    WorkingDir: body.WorkingDir || image.WorkingDir || '',
    Entrypoint: entrypoint.length ? entrypoint : null,
    OnBuild: null,
    Labels: { ...(image.Labels ?? {}), ...(body.Labels ?? {}) },
    StopSignal: body.StopSignal || image.StopSignal,
    StopTimeout: body.StopTimeout ?? undefined,
  };
  const healthcheck = mergeHealthcheck(image.Healthcheck, body.Healthcheck);
  if (healthcheck) config.Healthcheck = healthcheck;
  const imageVolumes = Object.keys(config.Volumes ?? {});
  const mounts = planMounts(ctx, hostConfig, imageVolumes);
  const finalName = name ? (name.startsWith('/') ? name : `/${name}`) : `/${randomName((n) => store.tryGet(n) !== undefined)}`;
  const snapshotKey = `ctr-${id}`;
  await mkdir(store.dir(id), { recursive: true });
  await ctx.images.snapshots.prepare(snapshotKey, rec.chainIds[rec.chainIds.length - 1]);
  const record: ContainerRecord = {
    Id: id,
    Name: finalName,
    Created: new Date().toISOString(),
    Path: argv[0]!,
    Args: argv.slice(1),
    Config: config,
    HostConfig: hostConfig,
    Image: imageId,
    State: initialState(),
    RestartCount: 0,
    ManuallyStopped: false,
    SnapshotKey: snapshotKey,
    MountPoints: mounts,
    NetworkSettings: networkSettings,
  };
  try {
    checkPortBindings(record);
    await createMountVolumes(ctx, id, mounts);
    await populateVolumes(ctx, record, mounts, imageVolumes);
    store.checkName(finalName);
    await store.save(record);
  } catch (err) {
    await forgetMounts(ctx, id, mounts, true);
    await ctx.images.snapshots.remove(snapshotKey).catch(() => undefined);
    await store.delete(id);
    throw err;
  }
  emitContainerEvent(ctx, record, 'create');
  return { Id: id, Warnings: [] };
}
