import { accessSync, constants } from 'node:fs';
import { Internal } from '../../core/errors.js';
import type { OciMount } from '../../runtime/spec/index.js';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from './container-record.js';

/** Where Docker puts its init inside the container. */
export const IN_CONTAINER_INIT = '/sbin/docker-init';

/**
 * `--init` as Docker does it (moby `WithCommonOptions`): the daemon's init binary
 * (a static tini) bind-mounted read-only at /sbin/docker-init, and the process run as
 * `/sbin/docker-init -- <path> <args>`. HostConfig.Init null means the daemon's default.
 */
export function withInit(ctx: DaemonContext, c: ContainerRecord): { args: string[]; mount: OciMount } | undefined {
  const wanted = c.HostConfig.Init ?? ctx.containers.init.default;
  if (!wanted) return undefined;
  const path = ctx.containers.init.path;
  try {
    accessSync(path, constants.X_OK);
  } catch (err) {
    throw new Internal(`failed to find init binary ${path}: ${(err as Error).message}`, { cause: err });
  }
  return {
    args: [IN_CONTAINER_INIT, '--', c.Path, ...c.Args],
    mount: { destination: IN_CONTAINER_INIT, type: 'bind', source: path, options: ['bind', 'ro'] },
  };
}
