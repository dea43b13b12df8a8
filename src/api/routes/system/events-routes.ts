import type { Route } from '../../router.js';

/** What GET /events needs from the daemon. */
export interface EventsBackend {
  /**
   * Docker's events.Message objects as JSON text, one per item. Throws
   * InvalidArgument for bad arguments before the first event.
   */
  events(q: { since?: string; until?: string; filters?: string; signal?: AbortSignal }): AsyncIterable<string>;
}

export function eventsRoutes(backend: EventsBackend): Route[] {
  return [
    {
      method: 'GET',
      path: '/events',
      handler: async ({ res, query, signal }) => {
        const events = backend.events({
          since: query.get('since') ?? undefined,
          until: query.get('until') ?? undefined,
          filters: query.get('filters') ?? undefined,
          signal,
        });
        // Headers go out at once: `docker events` shows nothing until an event comes, but must know it is connected.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        for await (const line of events) {
          if (res.destroyed) break;
          if (!res.write(line + '\n')) {
            await new Promise<void>((r) => {
              res.once('drain', () => r());
              res.once('close', () => r());
            });
          }
        }
        res.end();
      },
    },
  ];
}
