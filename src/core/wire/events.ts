/** Docker Engine API event shapes (swagger: EventMessage). */

export type EventType = 'container' | 'image' | 'network';

/** Docker's events.Message, with the legacy `status`/`id`/`from` fields old clients read. */
export interface EventMessage {
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  /** Unix seconds. */
  time: number;
  /** Unix nanoseconds. */
  timeNano: number;
  status?: string;
  id?: string;
  from?: string;
}
