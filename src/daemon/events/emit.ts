import { constants } from 'node:os';
import type { DaemonContext } from '../context.js';
import type { ContainerRecord } from '../containers/container-record.js';

/**
 * Publishes a container event with Docker's actor attributes: the container's
 * labels, then `image` and `name`, then what the action adds (`exitCode`, `signal`).
 */
export function emitContainerEvent(ctx: DaemonContext, c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
  ctx.eventBus.publish('container', action, c.Id, {
    ...(c.Config.Labels ?? {}),
    image: c.Config.Image ?? '',
    name: c.Name.replace(/^\//, ''),
    ...extra,
  });
}

/** An image event; `name` is the reference the action was about (or the ID). */
export function emitImageEvent(ctx: DaemonContext, id: string, action: string, name: string = id): void {
  ctx.eventBus.publish('image', action, id, { name });
}

/** Docker's `signal` attribute is the number: `SIGTERM` -> `15`. */
export function signalNumber(sig: string): string {
  if (/^\d+$/.test(sig)) return sig;
  const name = (sig.toUpperCase().startsWith('SIG') ? sig.toUpperCase() : `SIG${sig.toUpperCase()}`) as keyof typeof constants.signals;
  const n = constants.signals[name];
  return n === undefined ? sig : String(n);
}
