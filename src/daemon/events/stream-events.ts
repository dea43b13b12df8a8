import { parseTimeArg } from '../containers/container-logs.js';
import type { DaemonContext } from '../context.js';
import { matchesFilters, nanoOf, parseEventFilters, serializeEvent, type EventMessage } from './event-bus.js';

export interface EventsQuery {
  since?: string;
  until?: string;
  filters?: string;
  signal?: AbortSignal;
}

/** since/until in unix nanoseconds; `1700000000.123456789` (what the docker CLI sends) keeps every digit. */
function toNano(v: string | undefined, what: string): bigint | undefined {
  if (v === undefined || v === '') return undefined;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
  const ms = parseTimeArg(v, what);
  return ms === undefined ? undefined : BigInt(Math.round(ms)) * 1_000_000n;
}

/**
 * GET /events: buffered events after `since` (when given), then live ones, until
 * `until` passes or the client leaves. Arguments are checked here, before the
 * first event, so a bad filter is a clean 400.
 */
export function streamEvents(ctx: DaemonContext, q: EventsQuery): AsyncIterable<EventMessage> {
  const filters = parseEventFilters(q.filters);
  const since = toNano(q.since, 'since');
  const until = toNano(q.until, 'until');
  const bus = ctx.eventBus;
  return {
    async *[Symbol.asyncIterator]() {
      const queue: EventMessage[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      const finish = () => {
        done = true;
        wake?.();
      };
      // Subscribe before reading history so nothing published in between is lost.
      const unsubscribe = bus.subscribe((e) => {
        queue.push(e);
        wake?.();
      });
      const timer = until !== undefined ? setTimeout(finish, Math.max(0, Number(until / 1_000_000n) - Date.now())) : undefined;
      q.signal?.addEventListener('abort', finish, { once: true });
      try {
        let last = -1n;
        if (since !== undefined) {
          for (const e of bus.history(since, until)) {
            last = nanoOf(e);
            if (matchesFilters(e, filters)) yield e;
          }
        }
        // An `until` in the past ends the stream with the history.
        if (until !== undefined && until <= BigInt(Date.now()) * 1_000_000n) return;
        while (!done) {
          const e = queue.shift();
          if (!e) {
            await new Promise<void>((r) => (wake = r));
            wake = undefined;
            continue;
          }
          if (nanoOf(e) <= last) continue;
          if (until !== undefined && nanoOf(e) > until) break;
          if (matchesFilters(e, filters)) yield e;
        }
      } finally {
        unsubscribe();
        clearTimeout(timer);
        q.signal?.removeEventListener('abort', finish);
      }
    },
  };
}

/** streamEvents as JSON lines for the API, `timeNano` exact. */
export function streamEventLines(ctx: DaemonContext, q: EventsQuery): AsyncIterable<string> {
  const events = streamEvents(ctx, q);
  return {
    async *[Symbol.asyncIterator]() {
      for await (const e of events) yield serializeEvent(e);
    },
  };
}
