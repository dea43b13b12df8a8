/** Args Docker allows without an ARG line (proxies) and leaves out of RUN's history unless declared. */
export const BUILTIN_ARGS = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);
/** Read by the builder itself (reproducible builds); never reported as unused. */
export const SOURCE_DATE_EPOCH = 'SOURCE_DATE_EPOCH';

/**
 * The `--build-arg` values of one build and what the Dockerfile did with them, as Docker's
 * BuildArgs: meta args (before the first FROM) feed FROM lines; in a stage only declared
 * args (and the builtin proxies) are visible, with the --build-arg value winning over the
 * ARG default, which wins over the meta default.
 */
export class BuildArgs {
  readonly #given: ReadonlyMap<string, string | undefined>;
  readonly #meta = new Map<string, string | undefined>();
  readonly #referenced = new Set<string>();

  constructor(given: Record<string, string | null | undefined>) {
    this.#given = new Map(Object.entries(given).map(([k, v]) => [k, v ?? undefined]));
  }

  /** Records a meta ARG (already expanded default); returns its effective value. */
  addMeta(name: string, defaultValue: string | undefined): void {
    this.#referenced.add(name);
    this.#meta.set(name, this.#given.has(name) ? this.#given.get(name) : defaultValue);
  }

  /** Values of meta args, for expanding FROM. */
  metaEnv(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.#meta) if (v !== undefined) out[k] = v;
    return out;
  }

  /** A fresh per-stage view (each FROM resets what is declared). */
  stage(): StageArgs {
    return new StageArgs(this.#given, this.#meta, this.#referenced);
  }

  given(name: string): string | undefined {
    return this.#given.get(name);
  }

  /** `--build-arg`s no ARG anywhere declared, sorted: Docker's "were not consumed" warning. */
  unused(): string[] {
    return [...this.#given.keys()].filter((k) => !this.#referenced.has(k) && !BUILTIN_ARGS.has(k) && k !== SOURCE_DATE_EPOCH).sort();
  }
}

export class StageArgs {
  readonly #declared = new Map<string, string | undefined>();
  constructor(
    private readonly given: ReadonlyMap<string, string | undefined>,
    private readonly meta: ReadonlyMap<string, string | undefined>,
    private readonly referenced: Set<string>,
  ) {}

  /** `ARG name[=default]` in this stage. */
  declare(name: string, defaultValue: string | undefined): void {
    this.referenced.add(name);
    this.#declared.set(name, defaultValue);
  }

  #value(name: string): string | undefined {
    if (this.given.has(name) && this.given.get(name) !== undefined) return this.given.get(name);
    const d = this.#declared.get(name);
    if (d !== undefined) return d;
    return this.meta.get(name);
  }

  /** Declared args and given builtins that have a value: what RUN sees and words expand with. */
  values(): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of this.#declared.keys()) {
      const v = this.#value(name);
      if (v !== undefined) out.set(name, v);
    }
    for (const name of BUILTIN_ARGS) {
      const v = this.given.get(name);
      if (v !== undefined && !out.has(name)) out.set(name, v);
    }
    return out;
  }

  /** An arg the user gave that Docker keeps out of history (an undeclared proxy). */
  isUnreferencedBuiltin(name: string): boolean {
    return BUILTIN_ARGS.has(name) && !this.#declared.has(name);
  }
}
