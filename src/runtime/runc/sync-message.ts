/** What conmon writes on its sync pipe (API version 1): `{"data": <pid or -1>, "message": "..."}`. */
export interface SyncMessage {
  data: number;
  message?: string;
}

/** Parses the first complete JSON line of the sync pipe, or undefined if none is complete yet. */
export function parseSyncMessage(buffered: string): SyncMessage | undefined {
  const nl = buffered.indexOf('\n');
  const line = (nl >= 0 ? buffered.slice(0, nl) : buffered).trim();
  if (!line) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null) return undefined;
    const rec = v as Record<string, unknown>;
    if (typeof rec['data'] !== 'number') return undefined;
    const out: SyncMessage = { data: rec['data'] };
    if (typeof rec['message'] === 'string') out.message = rec['message'];
    return out;
  } catch {
    return undefined;
  }
}
