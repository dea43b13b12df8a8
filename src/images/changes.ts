import type { ContainerConfig } from '../core/image-config.js';
import { InvalidArgument } from '../core/errors.js';

/** Instructions `import -c` and `commit -c` accept, as Docker does. */
const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL']);

/** Exec form `["a","b"]` or shell form wrapped in `/bin/sh -c`. */
function commandForm(rest: string): string[] {
  const trimmed = rest.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) return parsed as string[];
    } catch {
      // not JSON: Docker falls back to the shell form
    }
  }
  return ['/bin/sh', '-c', trimmed];
}

function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) {
    return s.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return s.replace(/\\(.)/g, '$1');
}

/** Splits `a=1 b="x y"` into pairs; the legacy `KEY value` form yields one pair. */
function keyValues(rest: string, instr: string): Array<[string, string]> {
  const tokens = rest.trim().match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? [];
  if (tokens.length === 0) throw new InvalidArgument(`${instr} requires at least one argument`);
  if (!tokens[0]!.includes('=')) {
    const [key, ...value] = rest.trim().split(/\s+/);
    return [[key!, unquote(value.join(' '))]];
  }
  return tokens.map((t) => {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new InvalidArgument(`${instr} names can not be blank: ${t}`);
    return [unquote(t.slice(0, eq)), unquote(t.slice(eq + 1))];
  });
}

function setEnv(env: string[], key: string, value: string): string[] {
  return [...env.filter((e) => e.split('=')[0] !== key), `${key}=${value}`];
}

/**
 * Applies Dockerfile-like `changes` (`CMD ["sh"]`, `ENV A=b`, ...) to a container
 * config, returning a new config. Unknown or unsupported instructions are refused.
 */
export function applyChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const cfg: ContainerConfig = structuredClone(base);
  for (const change of changes) {
    const m = /^\s*(\S+)\s*(.*)$/s.exec(change);
    if (!m) continue;
    const instr = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (!ALLOWED.has(instr)) throw new InvalidArgument(`${m[1]} is not a valid change command`);
    switch (instr) {
      case 'CMD':
        cfg.Cmd = commandForm(rest);
        break;
      case 'ENTRYPOINT':
        cfg.Entrypoint = commandForm(rest);
        break;
      case 'ENV':
        for (const [k, v] of keyValues(rest, 'ENV')) cfg.Env = setEnv(cfg.Env ?? [], k, v);
        break;
      case 'LABEL':
        cfg.Labels = { ...(cfg.Labels ?? {}) };
        for (const [k, v] of keyValues(rest, 'LABEL')) cfg.Labels[k] = v;
        break;
      case 'EXPOSE':
        cfg.ExposedPorts = { ...(cfg.ExposedPorts ?? {}) };
        for (const p of rest.trim().split(/\s+/).filter(Boolean)) {
          if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw new InvalidArgument(`invalid containerPort: ${p}`);
          cfg.ExposedPorts[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {};
        }
        break;
      case 'VOLUME': {
        cfg.Volumes = { ...(cfg.Volumes ?? {}) };
        const paths = rest.trim().startsWith('[') ? commandForm(rest) : rest.trim().split(/\s+/);
        for (const p of paths.filter(Boolean)) cfg.Volumes[p] = {};
        break;
      }
      case 'USER':
        cfg.User = rest.trim();
        break;
      case 'WORKDIR':
        cfg.WorkingDir = rest.trim();
        break;
      case 'STOPSIGNAL':
        cfg.StopSignal = rest.trim();
        break;
      case 'ONBUILD':
        cfg.OnBuild = [...(cfg.OnBuild ?? []), rest.trim()];
        break;
    }
  }
  return cfg;
}
