import { release } from 'node:os';
import type { SystemVersion } from '../../core/wire/system.js';
import { API_VERSION, BERTH_VERSION, MIN_API_VERSION } from '../../core/version.js';

/** GET /version */
export function systemVersion(): SystemVersion {
  return {
    Platform: { Name: 'Berth Engine' },
    Components: [
      { Name: 'Engine', Version: BERTH_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: 'amd64', KernelVersion: release(), GoVersion: `node${process.versions.node}`, GitCommit: process.env.BERTH_GIT_COMMIT ?? 'unknown', BuildTime: new Date(0).toISOString(), Experimental: 'false' } },
    ],
    Version: BERTH_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: process.env.BERTH_GIT_COMMIT ?? 'unknown',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: process.arch === 'x64' ? 'amd64' : process.arch,
    KernelVersion: release(),
    BuildTime: new Date(0).toISOString(),
  };
}
