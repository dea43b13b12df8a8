import type { ServerResponse } from 'node:http';
import type { JsonMessage } from '../../core/wire/images.js';
import { errorMessage } from '../errors.js';

/**
 * Docker's JSON message stream (one object per line). Once the 200 went out,
 * a failure can only be reported in-band as `{"errorDetail":...,"error":...}`,
 * which the docker CLI prints as the error.
 */
export class JsonStream {
  #res: ServerResponse;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  start(): void {
    if (!this.#res.headersSent) this.#res.writeHead(200, { 'Content-Type': 'application/json' });
  }

  write(msg: JsonMessage): void {
    this.start();
    this.#res.write(JSON.stringify(msg) + '\r\n');
  }

  fail(err: unknown): void {
    const message = errorMessage(err);
    this.write({ errorDetail: { message }, error: message });
  }

  end(): void {
    this.start();
    this.#res.end();
  }
}
