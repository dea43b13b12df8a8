import { InvalidArgument, NotFound } from '../../core/errors.js';
import type { Volume, VolumeCreateOptions, VolumeListResponse, VolumePruneResponse } from '../../core/wire/volumes.js';
import { treeSize } from '../../volumes/usage.js';
import type { VolumeRecord } from '../../volumes/volume-store.js';
import type { DaemonContext } from '../context.js';
import { filterBool, matchLabels, parseFilters, type Filters } from '../filters.js';
import { toVolume } from './volume-views.js';

function checkDriver(name: string, driver: string | undefined): void {
  if (driver && driver !== 'local') throw new NotFound(`create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
}

/** Docker's `name=` filter: a regular expression matched anywhere in the name. */
function nameMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return name.includes(pattern);
  }
}

function labelsMatch(f: Filters, rec: VolumeRecord): boolean {
  if (!matchLabels(f.get('label'), rec.Labels)) return false;
  const not = f.get('label!');
  return !(not && not.some((l) => matchLabels([l], rec.Labels)));
}

/** GET /volumes: filters dangling, driver, label, name. */
export function listVolumes(ctx: DaemonContext, filters: string | undefined): VolumeListResponse {
  const f = parseFilters(filters, ['dangling', 'driver', 'label', 'label!', 'name']);
  const dangling = f.get('dangling')?.map((v) => filterBool('dangling', v));
  const out = ctx.volumes.list().filter((rec) => {
    const unused = ctx.volumes.refs(rec.Name).length === 0;
    if (dangling && !dangling.every((d) => d === unused)) return false;
    const drivers = f.get('driver');
    if (drivers && !drivers.includes(rec.Driver)) return false;
    const names = f.get('name');
    if (names && !names.some((n) => nameMatches(n, rec.Name))) return false;
    return labelsMatch(f, rec);
  });
  return { Volumes: out.map((rec) => toVolume(ctx, rec)), Warnings: [] };
}

/** POST /volumes/create: idempotent for an existing name, as in Docker. */
export async function createVolume(ctx: DaemonContext, body: VolumeCreateOptions | undefined): Promise<Volume> {
  const opts = body ?? {};
  if (opts.Name !== undefined && typeof opts.Name !== 'string') throw new InvalidArgument('invalid volume name');
  checkDriver(opts.Name ?? '', opts.Driver);
  const { record } = await ctx.volumes.create({ name: opts.Name || undefined, labels: opts.Labels, options: opts.DriverOpts });
  return toVolume(ctx, record);
}

/** POST /volumes/prune: since API 1.42 only anonymous volumes, unless `all=true`. */
export async function pruneVolumes(ctx: DaemonContext, filters: string | undefined, apiVersion: number): Promise<VolumePruneResponse> {
  const f = parseFilters(filters, ['label', 'label!', 'all']);
  const allValues = f.get('all');
  const all = allValues ? allValues.every((v) => filterBool('all', v)) : apiVersion < 1.42;
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const rec of ctx.volumes.list()) {
    if (ctx.volumes.refs(rec.Name).length > 0) continue;
    if (!all && !ctx.volumes.isAnonymous(rec)) continue;
    if (!labelsMatch(f, rec)) continue;
    const size = await treeSize(ctx.volumes.dataPath(rec.Name));
    try {
      await ctx.volumes.remove(rec.Name);
    } catch {
      continue; // taken by a container meanwhile
    }
    deleted.push(rec.Name);
    reclaimed += size;
  }
  return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}

/** Binds the volume use cases to one daemon context; the API's VolumesBackend is this shape. */
export function volumesBackend(ctx: DaemonContext) {
  return {
    list: (filters: string | undefined) => listVolumes(ctx, filters),
    inspect: (name: string) => toVolume(ctx, ctx.volumes.get(name)),
    create: (body: VolumeCreateOptions | undefined) => createVolume(ctx, body),
    remove: (name: string, force: boolean) => ctx.volumes.remove(name, { force }),
    prune: (filters: string | undefined, apiVersion: number) => pruneVolumes(ctx, filters, apiVersion),
  };
}
