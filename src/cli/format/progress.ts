import { formatProgress } from '../../core/progress.js';
import type { JsonMessage } from '../../core/wire/images.js';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const ESC = '\x1b[';

/**
 * Renders Docker's JSON message stream as Docker's CLI does (jsonmessage.DisplayJSONMessagesStream):
 * on a terminal one line per layer ID, redrawn in place with cursor moves; otherwise
 * plain lines, leaving out the byte-progress updates. `aux` messages go to `onAux`.
 */
export async function renderProgress(messages: AsyncIterable<JsonMessage>, out: ProgressOutput, onAux?: (aux: Record<string, unknown>) => void): Promise<void> {
  const tty = out.isTTY === true;
  let ids = new Map<string, number>();
  for await (const m of messages) {
    if (m.aux) {
      onAux?.(m.aux);
      continue;
    }
    const tracked = m.id !== undefined && m.progressDetail !== undefined;
    let diff = 0;
    if (tracked) {
      let line = ids.get(m.id!);
      if (line === undefined) {
        line = ids.size;
        ids.set(m.id!, line);
        if (tty) out.write('\n');
      }
      diff = ids.size - line;
      if (tty) out.write(`${ESC}${diff}A`);
    } else {
      // A line without ID ends the block of progress lines (pull -a: the next tag starts fresh).
      ids = new Map();
    }
    display(m, out, tty);
    if (tracked && tty) out.write(`${ESC}${diff}B`);
  }
}

function display(m: JsonMessage, out: ProgressOutput, tty: boolean): void {
  const bar = formatProgress(m.progressDetail?.current, m.progressDetail?.total, out.columns ?? 200);
  let endl = '\n';
  if (tty && m.stream === undefined && m.progressDetail !== undefined) {
    out.write(`${ESC}2K\r`);
    endl = '\r';
  } else if (m.progressDetail !== undefined && bar !== '') {
    return; // no progress bars off a terminal
  }
  let text = m.id !== undefined ? `${m.id}: ` : '';
  if (m.progressDetail !== undefined && tty) text += `${m.status ?? ''} ${bar}${endl}`;
  else if (m.stream !== undefined) text += `${m.stream}${endl === '\r' ? '\r' : ''}`;
  else text += `${m.status ?? ''}${endl}`;
  out.write(text);
}
