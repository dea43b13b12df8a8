import { join } from 'node:path';
import { healthSuffix } from '../health/health-rules.js';
import type { ContainerInspect, ContainerSummary } from '../../core/wire/containers.js';
import { familiarString, parseReference } from '../../core/reference.js';
import { humanDuration } from '../../core/human-duration.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';
import { logPathOf, rootfsOf } from './container-runner.js';
import { mountViews } from './mounts/runtime-mounts.js';
import { networkSettingsView, summaryNetworks, summaryPorts } from '../networks/container-network-view.js';

function ago(iso: string): string {
  return humanDuration(Date.now() - Date.parse(iso));
}

/** Docker's human status: `Up 3 minutes`, `Exited (0) 2 seconds ago`, `Created`. */
export function statusText(c: ContainerRecord): string {
  const s = c.State;
  if (s.Status === 'restarting') return `Restarting (${s.ExitCode}) ${ago(s.FinishedAt)} ago`;
  if (s.Running) return `Up ${ago(s.StartedAt)}${s.Paused ? ' (Paused)' : healthSuffix(s.Health)}`;
  if (s.Status === 'created') return 'Created';
  if (s.Status === 'dead') return 'Dead';
  return `Exited (${s.ExitCode}) ${ago(s.FinishedAt)} ago`;
}

/** The image as the user named it, or the short ID when that name now means another image. */
function imageDisplay(ctx: DaemonContext, c: ContainerRecord): string {
  const name = c.Config.Image ?? '';
  try {
    if (ctx.images.store.tryResolve(name) === c.Image) return name;
  } catch {
    // fall through to the ID
  }
  const tags = ctx.images.store.tagsOf(c.Image);
  if (tags.length) return familiarString(parseReference(tags[0]!));
  return c.Image.slice(7, 19);
}

export function toSummary(ctx: DaemonContext, c: ContainerRecord, sizes?: { rw: number; rootFs: number }): ContainerSummary {
  // dockerd quotes arguments holding a space with single quotes, nothing else (daemon/list.go).
  const cmd = [c.Path, ...c.Args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' ');
  const out: ContainerSummary = {
    Id: c.Id,
    Names: [c.Name],
    Image: imageDisplay(ctx, c),
    ImageID: c.Image,
    Command: cmd,
    Created: Math.floor(Date.parse(c.Created) / 1000),
    Ports: summaryPorts(c),
    Labels: c.Config.Labels ?? {},
    State: c.State.Status,
    Status: statusText(c),
    HostConfig: { NetworkMode: c.HostConfig.NetworkMode ?? 'none' },
    NetworkSettings: { Networks: summaryNetworks(c) },
    Mounts: mountViews(c),
  };
  if (sizes) {
    out.SizeRw = sizes.rw;
    out.SizeRootFs = sizes.rootFs;
  }
  return out;
}

export async function toInspect(ctx: DaemonContext, c: ContainerRecord): Promise<ContainerInspect> {
  const dir = ctx.containers.store.dir(c.Id);
  const upper = await ctx.images.snapshots.upperDir(c.SnapshotKey).catch(() => '');
  const lowers = await ctx.images.snapshots.lowerDirs(c.SnapshotKey).catch(() => [] as string[]);
  const graph: Record<string, string> = { MergedDir: rootfsOf(ctx, c.Id), UpperDir: upper, WorkDir: upper.replace(/\/fs$/, '/work') };
  if (lowers.length) graph.LowerDir = lowers.join(':');
  return {
    Id: c.Id,
    Created: c.Created,
    Path: c.Path,
    Args: c.Args,
    State: c.State,
    Image: c.Image,
    ResolvConfPath: join(dir, 'resolv.conf'),
    HostnamePath: join(dir, 'hostname'),
    HostsPath: join(dir, 'hosts'),
    LogPath: logPathOf(ctx, c.Id),
    Name: c.Name,
    RestartCount: c.RestartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    HostConfig: c.HostConfig,
    GraphDriver: { Name: 'overlay2', Data: graph },
    Mounts: mountViews(c),
    Config: c.Config,
    NetworkSettings: networkSettingsView(c),
  };
}
