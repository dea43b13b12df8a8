// The parsed form of a Dockerfile: the contract between the parser (pure text -> this) and the
// dispatcher. Words are kept RAW (quotes, escapes and $VARS untouched) wherever Docker expands them
// at dispatch time with the environment of that moment (ARG/ENV change it step by step); the
// dispatcher expands them with shell-lex.ts (processWord / processWords).

export interface SourceLocation {
  /** Dockerfile name as the user gave it (e.g. "Dockerfile", "build/Dockerfile.dev"). */
  file: string;
  /** 1-based line of the instruction keyword; endLine is the last physical line (continuations, heredocs). */
  line: number;
  endLine: number;
}

export interface Directives {
  syntax?: string;
  /** '\\' (default) or '`'. */
  escape: '\\' | '`';
  check?: string;
}

/** `--name=value` flags of an instruction (value undefined for a bare `--link`). Names lower-case, without dashes. */
export type Flags = Readonly<Record<string, string | undefined>>;

/** JSON (exec) form keeps its strings as parsed JSON; shell form keeps the raw text after the keyword and flags. */
export type CommandLine =
  | { form: 'exec'; args: string[] }
  | { form: 'shell'; script: string };

export interface Heredoc {
  /** The delimiter word (EOF in `<<EOF`). */
  name: string;
  /** Body lines joined with '\n', ending with '\n' unless empty; leading tabs removed for `<<-`. */
  content: string;
  /** False when the delimiter was quoted (`<<"EOF"` / `<<'EOF'`): the body is not variable-expanded. */
  expand: boolean;
  /** True for `<<-EOF`. */
  chomp: boolean;
}

interface Base {
  loc: SourceLocation;
  /** The instruction exactly as written (continuations joined as Docker joins them: escape token removed, nothing added; heredoc bodies excluded) for
   * `Step N/M : ...` output, history and cache keys. Keyword in the user's case. */
  original: string;
  flags: Flags;
  /** Every value of a repeatable flag (RUN --mount, COPY/ADD --exclude), in order; `flags` holds the last one. (Additive, parser.) */
  repeatedFlags?: Readonly<Record<string, readonly string[]>>;
}

export interface FromInstruction extends Base { kind: 'FROM'; image: string; stageName?: string; platform?: string }
export interface RunInstruction extends Base { kind: 'RUN'; command: CommandLine; heredocs: Heredoc[] }
export interface CmdInstruction extends Base { kind: 'CMD'; command: CommandLine }
export interface EntrypointInstruction extends Base { kind: 'ENTRYPOINT'; command: CommandLine }
/** Keys and values raw; `ENV a b` (legacy form) gives one pair [a, "b"]. */
export interface EnvInstruction extends Base { kind: 'ENV'; pairs: Array<[key: string, value: string]> }
export interface LabelInstruction extends Base { kind: 'LABEL'; pairs: Array<[key: string, value: string]> }
export interface MaintainerInstruction extends Base { kind: 'MAINTAINER'; name: string }
export interface ArgInstruction extends Base { kind: 'ARG'; args: Array<{ name: string; defaultValue?: string }> }
export interface WorkdirInstruction extends Base { kind: 'WORKDIR'; path: string }
export interface UserInstruction extends Base { kind: 'USER'; user: string }
export interface ExposeInstruction extends Base { kind: 'EXPOSE'; ports: string[] }
/** JSON or whitespace-separated list, raw words. */
export interface VolumeInstruction extends Base { kind: 'VOLUME'; paths: string[] }
export interface StopsignalInstruction extends Base { kind: 'STOPSIGNAL'; signal: string }
export interface ShellInstruction extends Base { kind: 'SHELL'; shell: string[] }
/** COPY and ADD: raw source words and destination; heredocs when a source is `<<EOF`. flags: from, chown, chmod, link, parents, exclude, checksum, keep-git-dir.
 * (Parser:) `sources` holds the paths only, never the `<<EOF` words; each heredoc is a file named `heredoc.name`. */
export interface CopyInstruction extends Base { kind: 'COPY' | 'ADD'; sources: string[]; dest: string; heredocs: Heredoc[] }
export interface HealthcheckInstruction extends Base {
  kind: 'HEALTHCHECK';
  /** undefined for `HEALTHCHECK NONE`. Options stay in flags (interval, timeout, start-period, start-interval, retries). */
  test?: CommandLine;
}
export interface OnbuildInstruction extends Base { kind: 'ONBUILD'; trigger: Instruction; /** text after ONBUILD, as stored in the image config */ expression: string }

export type Instruction =
  | FromInstruction | RunInstruction | CmdInstruction | EntrypointInstruction | EnvInstruction
  | LabelInstruction | MaintainerInstruction | ArgInstruction | WorkdirInstruction | UserInstruction
  | ExposeInstruction | VolumeInstruction | StopsignalInstruction | ShellInstruction | CopyInstruction
  | HealthcheckInstruction | OnbuildInstruction;

export interface Stage {
  /** Position among the stages (0-based); `COPY --from=0` refers to it. */
  index: number;
  /** Lower-cased `AS name`, if any. */
  name?: string;
  from: FromInstruction;
  /** Instructions after FROM, in order. */
  instructions: Instruction[];
}

export interface Dockerfile {
  directives: Directives;
  /** ARGs before the first FROM: usable only in FROM lines (and re-declared by `ARG name` in a stage). */
  metaArgs: ArgInstruction[];
  stages: Stage[];
}
