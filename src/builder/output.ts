import type { ProgressEvent } from '../core/progress.js';

/** Where the build's progress goes: Docker's `stream` text, `aux` messages and pull progress. */
export interface BuildProgress {
  stream(text: string): void;
  aux(value: Record<string, unknown>): void;
  /** A pull's progress (`latest: Pulling from ...`, layer lines), as the classic builder relays it. */
  progress(event: ProgressEvent): void;
}

/** One stage's output; text is passed on in stage order even when stages run in parallel. */
export interface StageOutput {
  write(text: string): void;
  aux(value: Record<string, unknown>): void;
  progress(event: ProgressEvent): void;
}

type Message = { text: string } | { aux: Record<string, unknown> } | { progress: ProgressEvent };

/**
 * Keeps the classic builder's sequential output while independent stages run at once:
 * the earliest unfinished stage writes through, later ones are held until every stage
 * before them has finished, then flushed in order.
 */
export class OrderedOutput {
  readonly #sink: BuildProgress;
  readonly #held: Message[][];
  readonly #done: boolean[];
  #head = 0;

  constructor(sink: BuildProgress, stages: number) {
    this.#sink = sink;
    this.#held = Array.from({ length: stages }, () => []);
    this.#done = Array.from({ length: stages }, () => false);
  }

  channel(i: number): StageOutput {
    const emit = (m: Message) => {
      if (i === this.#head) this.#send(m);
      else this.#held[i]!.push(m);
    };
    return { write: (text) => emit({ text }), aux: (aux) => emit({ aux }), progress: (progress) => emit({ progress }) };
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

  #send(m: Message): void {
    if ('text' in m) this.#sink.stream(m.text);
    else if ('aux' in m) this.#sink.aux(m.aux);
    else this.#sink.progress(m.progress);
  }
}
