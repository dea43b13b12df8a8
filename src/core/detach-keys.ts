import { InvalidArgument } from './errors.js';

/** Docker's default detach sequence, ctrl-p ctrl-q. */
export const DEFAULT_DETACH_KEYS = Buffer.from([0x10, 0x11]);

/**
 * Parses Docker's detach key notation (`ctrl-p,ctrl-q`, `a,ctrl-@`) into bytes.
 * @example parseDetachKeys('ctrl-p,ctrl-q') // <Buffer 10 11>
 */
export function parseDetachKeys(spec: string | undefined): Buffer {
  if (spec === undefined || spec === '') return DEFAULT_DETACH_KEYS;
  const out: number[] = [];
  for (const key of spec.split(',')) {
    const k = key.toLowerCase();
    if (k.length === 1) out.push(key.charCodeAt(0));
    else if (k.startsWith('ctrl-') && k.length === 6) {
      const ch = k[5]!;
      if (ch >= 'a' && ch <= 'z') out.push(ch.charCodeAt(0) - 0x60);
      else if ('@[\\]^_'.includes(ch)) out.push('@[\\]^_'.indexOf(ch) === 0 ? 0 : 27 + '[\\]^_'.indexOf(ch));
      else throw new InvalidArgument(`Invalid detach keys (${spec}) provided`);
    } else throw new InvalidArgument(`Invalid detach keys (${spec}) provided`);
  }
  return Buffer.from(out);
}

/**
 * Finds the detach sequence in an input stream, as Docker's escape proxy does:
 * bytes that may start the sequence are held back until it is clear whether
 * they complete it; if they do not, they are passed on.
 */
export class DetachDetector {
  readonly #keys: Buffer;
  #held = 0;

  constructor(keys: Buffer) {
    this.#keys = keys;
  }

  /** Returns the bytes to forward, and whether the sequence was seen (the rest is dropped). */
  feed(chunk: Buffer): { data: Buffer; detached: boolean } {
    if (this.#keys.length === 0) return { data: chunk, detached: false };
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.#keys[this.#held]) {
        this.#held++;
        if (this.#held === this.#keys.length) return { data: Buffer.from(out), detached: true };
        continue;
      }
      // Not the sequence after all: what was held goes through, then this byte is looked at afresh.
      for (let i = 0; i < this.#held; i++) out.push(this.#keys[i]!);
      this.#held = 0;
      if (b === this.#keys[0]) this.#held = 1;
      else out.push(b);
      if (this.#held === this.#keys.length) return { data: Buffer.from(out), detached: true };
    }
    return { data: Buffer.from(out), detached: false };
  }
}
