import type { Volume } from '../../core/wire/volumes.js';
import type { VolumeRecord } from '../../volumes/volume-store.js';
import type { DaemonContext } from '../context.js';

/** Docker's Volume object for inspect, list and create. */
export function toVolume(ctx: DaemonContext, rec: VolumeRecord): Volume {
  return {
    CreatedAt: rec.CreatedAt,
    Driver: rec.Driver,
    Labels: rec.Labels,
    Mountpoint: ctx.volumes.dataPath(rec.Name),
    Name: rec.Name,
    Options: rec.Options,
    Scope: 'local',
  };
}
