import type { Volume, VolumeCreateOptions, VolumeListResponse, VolumePruneResponse } from '../../../core/wire/volumes.js';

export interface VolumesBackend {
  list(filters: string | undefined): VolumeListResponse;
  inspect(name: string): Volume;
  create(body: VolumeCreateOptions | undefined): Promise<Volume>;
  remove(name: string, force: boolean): Promise<void>;
  prune(filters: string | undefined, apiVersion: number): Promise<VolumePruneResponse>;
}
