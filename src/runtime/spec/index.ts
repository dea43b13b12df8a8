export { buildSpec } from './build-spec.js';
export type { SpecInput, SpecResources } from './build-spec.js';
export type { OciSpec, OciMount } from './oci-types.js';
export type { Ulimit, RlimitCeilings } from './rlimits.js';
export { readHardLimits } from './host-limits.js';
export { normalizeCapability, DEFAULT_CAPABILITIES, ALL_CAPABILITIES } from './capabilities.js';
export { readBoundingSet } from './host-capabilities.js';
export { readHostDevices, resolveDevice, type DeviceGrant } from './host-devices.js';
export type { OciDevice } from './oci-types.js';
