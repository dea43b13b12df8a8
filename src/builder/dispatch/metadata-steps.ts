import type { ContainerConfig } from '../../core/image-config.js';
import { InvalidArgument } from '../../core/errors.js';
import type { CommandLine, Instruction } from '../dockerfile/ast.js';
import { parseGoDuration } from '../dockerfile/flags.js';
import { processWord, processWords } from '../dockerfile/shell-lex.js';
import { goDuration, goList, goQuoteList, goRune } from './history.js';
import { cloneRuntime, lexEnv, runtimeOf, shellOf, type StageState } from './stage-state.js';

export interface MetadataResult {
  runtime: ContainerConfig;
  /** The history comment: `ENV A=b`, `CMD ["sh"]`. */
  comment: string;
  /** ARG: args declared by this step, applied to the state only once the step is committed. */
  declare?: Array<[string, string | undefined]>;
}

const SIGNALS = new Set(['ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL', 'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'UNUSED', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ']);

/** Shell form gets the stage's SHELL in front; exec form is taken as written. */
export function commandArgs(st: StageState, cmd: CommandLine): string[] {
  return cmd.form === 'exec' ? [...cmd.args] : [...shellOf(st), cmd.script];
}

function setEnv(env: string[], key: string, value: string): void {
  const i = env.findIndex((e) => e.split('=', 1)[0] === key);
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
}

/** Ports as Docker's nat.ParsePortSpecs reads them: `80`, `80/udp`, `8000-8002/tcp`. */
function exposedPorts(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const m = /^(?:[^:]*:)?(?:[^:]*:)?(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
    if (!m) throw new InvalidArgument(`invalid containerPort: ${w.split('/')[0]}`);
    const start = Number(m[1]);
    const end = m[2] ? Number(m[2]) : start;
    const proto = (m[3] ?? 'tcp').toLowerCase();
    if (start < 0 || end > 65535 || end < start) throw new InvalidArgument(`invalid range specified for container port: ${w}`);
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

function checkSignal(sig: string): void {
  if (/^\d+$/.test(sig) && Number(sig) > 0) return;
  const name = sig.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS.has(name) || /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name)) return;
  throw new InvalidArgument(`Invalid signal: ${sig}`);
}

function duration(flags: Record<string, string | undefined>, name: string): number {
  const v = flags[name];
  return v === undefined || v === '' ? 0 : parseGoDuration(v);
}

/**
 * Applies a metadata instruction (no file changes) to a copy of the stage's runtime
 * config, with Docker's classic-builder semantics and history comment.
 */
export function applyMetadata(st: StageState, ins: Instruction): MetadataResult {
  const rt = cloneRuntime(runtimeOf(st));
  const env = lexEnv(st);
  const word = (w: string) => processWord(w, env, st.escape);
  switch (ins.kind) {
    case 'ENV': {
      const list = rt.Env ?? [];
      const parts: string[] = [];
      for (const [k, v] of ins.pairs) {
        const key = word(k);
        const value = word(v);
        if (key === '') throw new InvalidArgument('ENV names can not be blank');
        setEnv(list, key, value);
        parts.push(`${key}=${value}`);
      }
      rt.Env = list;
      return { runtime: rt, comment: `ENV ${parts.join(' ')}` };
    }
    case 'LABEL': {
      const labels = { ...(rt.Labels ?? {}) };
      const parts: string[] = [];
      for (const [k, v] of ins.pairs) {
        const key = word(k);
        const value = word(v);
        if (key === '') throw new InvalidArgument('LABEL names can not be blank');
        labels[key] = value;
        parts.push(`${key}=${value}`);
      }
      rt.Labels = labels;
      return { runtime: rt, comment: `LABEL ${parts.join(' ')}` };
    }
    case 'MAINTAINER':
      return { runtime: rt, comment: `MAINTAINER ${ins.name}` };
    case 'CMD': {
      rt.Cmd = commandArgs(st, ins.command);
      return { runtime: rt, comment: `CMD ${goQuoteList(rt.Cmd)}` };
    }
    case 'ENTRYPOINT': {
      const ep = ins.command.form === 'exec' ? [...ins.command.args] : [...shellOf(st), ins.command.script];
      rt.Entrypoint = ins.command.form === 'exec' && ins.command.args.length === 0 ? null : ep;
      // An inherited CMD makes no sense with a new entrypoint; one set in this Dockerfile stays.
      if (!st.cmdSet) rt.Cmd = null;
      return { runtime: rt, comment: `ENTRYPOINT ${goQuoteList(rt.Entrypoint)}` };
    }
    case 'EXPOSE': {
      const words = ins.ports.flatMap((p) => processWords(p, env, st.escape));
      const ports = { ...(rt.ExposedPorts ?? {}) };
      for (const p of exposedPorts(words)) ports[p] = {};
      rt.ExposedPorts = ports;
      return { runtime: rt, comment: `EXPOSE ${words.join(' ')}` };
    }
    case 'VOLUME': {
      const vols = { ...(rt.Volumes ?? {}) };
      const paths = ins.paths.map(word);
      for (const p of paths) {
        if (p.trim() === '') throw new InvalidArgument('VOLUME specified can not be an empty string');
        vols[p] = {};
      }
      rt.Volumes = vols;
      return { runtime: rt, comment: `VOLUME ${goList(paths)}` };
    }
    case 'USER': {
      rt.User = word(ins.user);
      return { runtime: rt, comment: `USER ${rt.User}` };
    }
    case 'STOPSIGNAL': {
      const sig = word(ins.signal);
      checkSignal(sig);
      rt.StopSignal = sig;
      return { runtime: rt, comment: `STOPSIGNAL ${sig}` };
    }
    case 'SHELL': {
      rt.Shell = [...ins.shell];
      return { runtime: rt, comment: `SHELL ${goList(rt.Shell)}` };
    }
    case 'HEALTHCHECK': {
      const f = ins.flags as Record<string, string | undefined>;
      let test: string[];
      if (!ins.test) test = ['NONE'];
      else if (ins.test.form === 'exec') test = ['CMD', ...ins.test.args];
      else test = ['CMD-SHELL', ins.test.script];
      const hc = ins.test
        ? {
            Test: test,
            Interval: duration(f, 'interval'),
            Timeout: duration(f, 'timeout'),
            StartPeriod: duration(f, 'start-period'),
            StartInterval: duration(f, 'start-interval'),
            Retries: f.retries ? Number(f.retries) : 0,
          }
        : { Test: test, Interval: 0, Timeout: 0, StartPeriod: 0, StartInterval: 0, Retries: 0 };
      // StartInterval is only shown in history: the image config type has no field for it yet.
      rt.Healthcheck = ins.test ? { Test: hc.Test, Interval: hc.Interval, Timeout: hc.Timeout, StartPeriod: hc.StartPeriod, Retries: hc.Retries } : { Test: test };
      const comment = `HEALTHCHECK &{${goQuoteList(hc.Test)} "${goDuration(hc.Interval)}" "${goDuration(hc.Timeout)}" "${goDuration(hc.StartPeriod)}" "${goDuration(hc.StartInterval)}" ${goRune(hc.Retries)}}`;
      return { runtime: rt, comment };
    }
    case 'ONBUILD': {
      rt.OnBuild = [...(rt.OnBuild ?? []), ins.expression];
      return { runtime: rt, comment: `ONBUILD ${ins.expression}` };
    }
    case 'ARG': {
      const parts: string[] = [];
      const declare: Array<[string, string | undefined]> = [];
      for (const a of ins.args) {
        const def = a.defaultValue !== undefined ? word(a.defaultValue) : undefined;
        declare.push([a.name, def]);
        parts.push(def !== undefined ? `${a.name}=${def}` : a.name);
      }
      return { runtime: rt, comment: `ARG ${parts.join(' ')}`, declare };
    }
    default:
      throw new InvalidArgument(`${ins.kind} is not a metadata instruction`);
  }
}
