import type { SystemInfo, SystemVersion } from '../../../core/wire/system.js';

export interface SystemBackend {
  version(): SystemVersion;
  info(): Promise<SystemInfo>;
}
