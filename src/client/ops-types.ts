/** Wire shapes of the container operation and event endpoints, as the CLI reads them (defined in core/wire). */

export type { TopResult as ContainerTopResponse, StatsResponse as ContainerStatsFrame } from '../core/wire/container-ops.js';
export type { ContainerUpdateBody as ContainerUpdateConfig } from '../core/wire/containers.js';
export type { EventMessage } from '../core/wire/events.js';
