import { EventEmitter } from 'node:events';
import { InvalidArgument } from '../../core/errors.js';
import type { EventMessage, EventType } from '../../core/wire/events.js';

export type { EventMessage, EventType };

/** `filters` of GET /events, already parsed: key -> accepted values. */
export type EventFilters = Record<string, string[]>;

export type EventListener = (e: EventMessage) => void;

/** The exact timestamp; `timeNano` as a JS number is off by up to 128 ns. */
const NANO = Symbol('timeNano');
type Stamped = EventMessage & { [NANO]: bigint };

/** Exact unix nanoseconds of an event from this bus. */
export function nanoOf(e: EventMessage): bigint {
  return (e as Stamped)[NANO] ?? BigInt(e.timeNano);
}

/** One JSON line, with `timeNano` written exactly (a JS number cannot hold it). */
export function serializeEvent(e: EventMessage): string {
  return JSON.stringify(e).replace(/"timeNano":[0-9.e+]+/, `"timeNano":${nanoOf(e)}`);
}

/**
 * The daemon's in-process event stream (`docker events`). Publishing never blocks
 * and never fails; the last `capacity` events stay in a ring buffer so a
 * subscriber can replay from `--since`. Events exist only in memory, as in Docker:
 * a restart of berthd starts with an empty history.
 */
export class EventBus {
  readonly #ring: (EventMessage | undefined)[];
  #next = 0;
  #lastNano = 0n;
  readonly #ee = new EventEmitter();

  constructor(readonly capacity = 1024) {
    this.#ring = new Array<EventMessage | undefined>(capacity);
    this.#ee.setMaxListeners(0);
  }

  publish(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EventMessage {
    // Strictly increasing timestamps keep --since/--until replays unambiguous.
    let nano = BigInt(Date.now()) * 1_000_000n;
    if (nano <= this.#lastNano) nano = this.#lastNano + 1n;
    this.#lastNano = nano;
    const msg: Stamped = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nano / 1_000_000_000n),
      timeNano: Number(nano),
      [NANO]: nano,
    };
    // Legacy fields: Docker still sends them for containers and images.
    msg.status = action;
    msg.id = id;
    if (type === 'container' && attributes.image) msg.from = attributes.image;
    this.#ring[this.#next % this.capacity] = msg;
    this.#next++;
    this.#ee.emit('event', msg);
    return msg;
  }

  /** Buffered events with `sinceNano < time <= untilNano`, oldest first. */
  history(sinceNano: bigint, untilNano?: bigint): EventMessage[] {
    const out: EventMessage[] = [];
    const start = Math.max(0, this.#next - this.capacity);
    for (let i = start; i < this.#next; i++) {
      const e = this.#ring[i % this.capacity]!;
      const t = nanoOf(e);
      if (t > sinceNano && (untilNano === undefined || t <= untilNano)) out.push(e);
    }
    return out;
  }

  /** Calls `listener` for every event published from now on; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.#ee.on('event', listener);
    return () => void this.#ee.off('event', listener);
  }
}

const FILTER_KEYS = new Set(['type', 'event', 'container', 'image', 'label', 'scope']);

/** Parses the `filters` query value (`{"type":["container"]}`, or Docker's older `{"type":{"container":true}}`). */
export function parseEventFilters(raw: string | undefined): EventFilters {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgument(`invalid filter '${raw}'`);
  }
  const out: EventFilters = {};
  if (!parsed || typeof parsed !== 'object') return out;
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!FILTER_KEYS.has(k)) throw new InvalidArgument(`invalid filter '${k}'`);
    const values = Array.isArray(v) ? v.map(String) : v && typeof v === 'object' ? Object.keys(v) : [String(v)];
    out[k] = values;
  }
  return out;
}

/** Docker's events filter: every key must match one of its values. */
export function matchesFilters(e: EventMessage, f: EventFilters): boolean {
  const attrs = e.Actor.Attributes;
  const any = (key: string, test: (v: string) => boolean) => !f[key]?.length || f[key]!.some(test);
  if (!any('type', (v) => v === e.Type)) return false;
  if (!any('scope', (v) => v === e.scope)) return false;
  // `exec_start: sh` is matched by `exec_start` too.
  if (!any('event', (v) => v === e.Action || e.Action.startsWith(`${v}:`))) return false;
  if (!any('container', (v) => e.Type === 'container' && (e.Actor.ID === v || e.Actor.ID.startsWith(v) || attrs.name === v))) return false;
  if (
    !any('image', (v) => {
      const imageName = e.Type === 'image' ? attrs.name : attrs.image;
      const ids = e.Type === 'image' ? [e.Actor.ID, e.Actor.ID.replace(/^sha256:/, '')] : [];
      const bare = (s: string | undefined) => s?.replace(/:latest$/, '');
      return ids.some((id) => id === v || id.startsWith(v)) || imageName === v || (imageName !== undefined && bare(imageName) === bare(v));
    })
  ) {
    return false;
  }
  return any('label', (v) => {
    const eq = v.indexOf('=');
    return eq < 0 ? v in attrs : attrs[v.slice(0, eq)] === v.slice(eq + 1);
  });
}
