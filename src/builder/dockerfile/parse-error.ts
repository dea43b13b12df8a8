import { InvalidArgument } from '../../core/errors.js';

/**
 * A malformed Dockerfile. The message names file and line (`Dockerfile:7: unknown instruction: FOO`);
 * `line` and `reason` stay separate for output that shows the offending line, as Docker's does
 * ("dockerfile parse error on line 7: unknown instruction: FOO").
 */
export class DockerfileParseError extends InvalidArgument {
  constructor(
    readonly file: string,
    /** 1-based; undefined for whole-file problems (an empty file). */
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line !== undefined ? `${file}:${line}: ${reason}` : reason.includes(`(${file})`) ? reason : `${file}: ${reason}`);
  }

  /** Docker's own wording of the same failure. */
  get dockerMessage(): string {
    return this.line === undefined ? this.reason : `dockerfile parse error on line ${this.line}: ${this.reason}`;
  }
}
