/** Where the build's progress goes: Docker's `stream` text and `aux` messages. */
export interface BuildProgress {
  stream(text: string): void;
  aux(value: Record<string, unknown>): void;
}

/** One stage's output; text is passed on in stage order even when stages run in parallel. */
export interface StageOutput {
  write(text: string): void;
  aux(value: Record<string, unknown>): void;
}

/**
 * Keeps the classic builder's sequential output while independent stages run at once:
 * the earliest unfinished stage writes through, later ones are held until every stage
 * before them has finished, then flushed in order.
 */
export class OrderedOutput {
  readonly #sink: BuildProgress;
  readonly #held: Array<Array<{ text?: string; aux?: Record<string, unknown> }>>;
  readonly #done: boolean[];
  #head = 0;

  constructor(sink: BuildProgress, stages: number) {
    this.#sink = sink;
    this.#held = Array.from({ length: stages }, () => []);
    this.#done = Array.from({ length: stages }, () => false);
  }

  channel(i: number): StageOutput {
    const emit = (m: { text?: string; aux?: Record<string, unknown> }) => {
      if (i === this.#head) this.#send(m);
      else this.#held[i]!.push(m);
    };
    return { write: (text) => emit({ text }), aux: (aux) => emit({ aux }) };
  }

  /** Marks stage `i` finished and lets the next stages' held output through. */
  finish(i: number): void {
    this.#done[i] = true;
    while (this.#head < this.#done.length && this.#done[this.#head]) {
      this.#head++;
      if (this.#head < this.#held.length) {
        for (const m of this.#held[this.#head]!) this.#send(m);
        this.#held[this.#head] = [];
      }
    }
  }

  /** After a failure: whatever stages before the failed one said, so the output explains it. */
  flushAll(): void {
    for (let i = this.#head + 1; i < this.#held.length; i++) {
      for (const m of this.#held[i]!) this.#send(m);
      this.#held[i] = [];
    }
  }

  #send(m: { text?: string; aux?: Record<string, unknown> }): void {
    if (m.text !== undefined) this.#sink.stream(m.text);
    if (m.aux !== undefined) this.#sink.aux(m.aux);
  }
}
