import type { SystemDiskUsage, SystemInfo, SystemVersion } from '../../../core/wire/system.js';

export interface SystemBackend {
  version(): SystemVersion;
  info(): Promise<SystemInfo>;
  diskUsage(input: { types: string[]; apiVersion: number }): Promise<SystemDiskUsage>;
}
