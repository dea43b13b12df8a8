import type { ServerResponse } from 'node:http';
import { formatProgress, type ProgressEvent, type ProgressSink } from '../../core/progress.js';
import type { JsonMessage } from '../../core/wire/images.js';
import { JsonStream } from './json-stream.js';

/** Docker's JSON message for a progress event (what `streamformatter` writes). */
export function toJsonMessage(e: ProgressEvent): JsonMessage {
  if (e.aux) return { progressDetail: {}, aux: e.aux };
  const msg: JsonMessage = { status: e.status };
  if (e.current !== undefined || e.total !== undefined) {
    msg.progressDetail = { current: e.current ?? 0, total: e.total ?? 0 };
    msg.progress = formatProgress(e.current, e.total);
  } else if (e.id !== undefined) {
    msg.progressDetail = {};
  }
  if (e.id !== undefined) msg.id = e.id;
  return msg;
}

/**
 * Runs long work that reports progress as Docker's JSON message stream. The 200 goes
 * out with the first message, so a failure before it (no such image, unauthorized)
 * is an ordinary HTTP error; a failure after it is reported in-band.
 */
export async function streamProgress(res: ServerResponse, work: (sink: ProgressSink) => Promise<void>): Promise<void> {
  let out: JsonStream | undefined;
  const sink: ProgressSink = (e) => {
    out ??= new JsonStream(res);
    if (!res.writableEnded && !res.destroyed) out.write(toJsonMessage(e));
  };
  try {
    await work(sink);
  } catch (err) {
    if (!out) throw err;
    if (!res.destroyed) out.fail(err);
  }
  (out ?? new JsonStream(res)).end();
}
