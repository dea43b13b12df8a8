import type { IncomingMessage } from 'node:http';
import type { JsonMessage } from '../core/wire/images.js';
import { ApiError } from './transport.js';

/** Docker's JSON message stream as it arrives, one message per line, the in-band `error` included. */
export async function* rawJsonMessages(res: AsyncIterable<unknown>): AsyncGenerator<JsonMessage> {
  let buf = '';
  for await (const chunk of res) {
    buf += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as JsonMessage;
    }
  }
  if (buf.trim()) yield JSON.parse(buf) as JsonMessage;
}

/** Reads Docker's JSON message stream; an in-band `error` ends it with an ApiError. */
export async function* jsonMessages(res: IncomingMessage): AsyncGenerator<JsonMessage> {
  for await (const msg of rawJsonMessages(res)) {
    if (msg.error) throw new ApiError(500, msg.error);
    yield msg;
  }
}
