import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { berth, busyboxTar, destroyDaemon, docker, startDaemon, type Daemon } from './berthd.js';

/**
 * The common setup of an integration file: a real berthd on temp roots with
 * busybox:latest imported, torn down after the file's tests (containers first:
 * conmon keeps them alive past berthd). Returns a getter, since `before` runs later.
 *
 * `setup` runs once the daemon has busybox, before the file's tests: for more set-up, or to
 * keep the daemon in a file-level variable.
 *
 * @example
 * const daemon = useBusyboxDaemon();
 * test('x', async () => { await docker(daemon(), ['run', 'busybox', 'true']); });
 * @example
 * let d: Daemon;
 * useBusyboxDaemon({ setup: async (daemon) => void (d = daemon) });
 */
export function useBusyboxDaemon(opts: { args?: string[]; removeContainers?: boolean; setup?: (d: Daemon) => Promise<void> } = {}): () => Daemon {
  let d: Daemon | undefined;
  before(async () => {
    d = await startDaemon(opts.args ?? []);
    const r = await berth(d, ['import', '-c', 'CMD ["sh"]', await busyboxTar(), 'busybox:latest']);
    assert.equal(r.code, 0, r.stderr);
    await opts.setup?.(d);
  });
  after(async () => {
    if (!d) return;
    if (opts.removeContainers ?? true) {
      const ids = (await docker(d, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await docker(d, ['rm', '-f', ...ids]);
    }
    await destroyDaemon(d);
  });
  return () => {
    if (!d) throw new Error('the daemon fixture is used outside a test');
    return d;
  };
}
