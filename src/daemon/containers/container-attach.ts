import type { ContainerIo, StdioConnection } from '../../core/stdio.js';
import { Conflict } from '../../core/errors.js';
import type { StdioAttach } from '../../core/wire/attach.js';
import type { DaemonContext } from '../context.js';

/**
 * Attaches to the stdio of a container that keeps stdin open (`OpenStdin`).
 * An attach made before start (as `docker run -it` does) connects between the
 * runtime's create and start, so no output is missed. While connected, the
 * container's output is held: auto-removal waits for this reader.
 */
export function attachStdio(ctx: DaemonContext, io: ContainerIo, ref: string, signal?: AbortSignal): StdioAttach {
  const c = ctx.containers.store.get(ref);
  const { events } = ctx.containers;
  const release = events.holdOutput(c.Id);
  const connection = (async () => {
    if (c.State.Running && !c.State.Restarting) return io.attach(c.Id).catch((err: unknown) => endedIfExited(ctx, c.Id, err));
    return new Promise<StdioConnection>((resolve, reject) => {
      const onAbort = () => {
        off();
        reject(signal?.reason ?? new Error('aborted'));
      };
      const off = events.onceCreated(c.Id, async () => {
        signal?.removeEventListener('abort', onAbort);
        await io.attach(c.Id).then(resolve, reject);
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  })();
  connection.then((conn) => conn.onEnd(release), release);
  return { tty: c.Config.Tty ?? false, connection };
}

/**
 * A process that exits right after start (docker-py attaches only after start) may be
 * gone before its exit is recorded: its monitor's socket is gone too. That attach sees
 * the stream end, as with Docker, not an internal error inside the output stream.
 */
async function endedIfExited(ctx: DaemonContext, id: string, err: unknown): Promise<StdioConnection> {
  const st = await ctx.containers.runtime.state(id).catch(() => undefined);
  if (st && st.status !== 'stopped') throw err;
  return {
    onOutput: () => undefined,
    onEnd: (cb) => queueMicrotask(cb),
    write: async () => undefined,
    closeStdin: () => undefined,
    close: () => undefined,
  };
}

/** Sets the terminal size of a running container. */
export async function resizeContainer(ctx: DaemonContext, io: ContainerIo, ref: string, height: number, width: number): Promise<void> {
  const c = ctx.containers.store.get(ref);
  if (!c.State.Running) throw new Conflict(`Container ${c.Id} is not running`);
  await io.resize(c.Id, height, width);
}
