import { InvalidArgument } from '../../core/errors.js';

/**
 * One `RUN --mount=...` as BuildKit reads it: comma-separated `key=value` fields, `ro`/`rw`
 * also as bare words. Values arrive with variables already expanded.
 */
export type RunMountSpec =
  | { type: 'bind'; target: string; source: string; from?: string; readonly: boolean }
  | { type: 'cache'; target: string; id: string; readonly: boolean; sharing: CacheSharing; mode: number; uid: number; gid: number }
  | { type: 'tmpfs'; target: string; size?: number };

export type CacheSharing = 'shared' | 'private' | 'locked';

const KEYS: Readonly<Record<string, string>> = {
  type: 'type', from: 'from', source: 'source', src: 'source', target: 'target', dst: 'target', destination: 'target',
  readonly: 'readonly', ro: 'readonly', readwrite: 'readwrite', rw: 'readwrite', id: 'id', sharing: 'sharing',
  mode: 'mode', uid: 'uid', gid: 'gid', size: 'size', required: 'required', env: 'env',
};

/** Types BuildKit has that need its session (secrets, SSH agents), which the classic build API does not carry. */
const SESSION_TYPES = new Set(['secret', 'ssh']);

export function parseRunMount(text: string): RunMountSpec {
  const fields = new Map<string, string>();
  for (const raw of text.split(',')) {
    const field = raw.trim();
    if (field === '') continue;
    const eq = field.indexOf('=');
    const rawKey = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const key = KEYS[rawKey];
    if (!key) throw new InvalidArgument(`--mount=${text}: unexpected key '${rawKey}'`);
    if (eq < 0 && key !== 'readonly' && key !== 'readwrite') throw new InvalidArgument(`--mount=${text}: invalid field '${field}' must be a key=value pair`);
    fields.set(key, eq < 0 ? 'true' : field.slice(eq + 1));
  }
  const type = (fields.get('type') ?? 'bind').toLowerCase();
  if (SESSION_TYPES.has(type)) {
    throw new InvalidArgument(`RUN --mount=type=${type} needs BuildKit's session (it carries secrets and SSH agents), which the classic build API that Berth serves does not have`);
  }
  if (type !== 'bind' && type !== 'cache' && type !== 'tmpfs') throw new InvalidArgument(`--mount=${text}: unsupported mount type '${type}'`);
  const target = fields.get('target');
  if (!target) throw new InvalidArgument(`--mount=${text}: mount target is required`);
  const readonly = readOnly(text, fields, type === 'bind');
  const allowed = { bind: ['from', 'source'], cache: ['id', 'sharing', 'mode', 'uid', 'gid'], tmpfs: ['size'] }[type];
  for (const key of ['from', 'source', 'id', 'sharing', 'mode', 'uid', 'gid', 'size', 'required', 'env']) {
    if (fields.has(key) && !allowed.includes(key)) throw new InvalidArgument(`--mount=${text}: '${key}' does not apply to a ${type} mount`);
  }
  switch (type) {
    case 'bind': {
      const from = fields.get('from');
      return { type, target, source: fields.get('source') || '/', ...(from ? { from } : {}), readonly };
    }
    case 'cache': {
      const sharing = (fields.get('sharing') ?? 'shared').toLowerCase();
      if (sharing !== 'shared' && sharing !== 'private' && sharing !== 'locked') throw new InvalidArgument(`--mount=${text}: unrecognized sharing '${sharing}' (shared, private or locked)`);
      return {
        type,
        target,
        // BuildKit: a cache without id is the target's cache.
        id: fields.get('id') || target,
        readonly,
        sharing,
        mode: number(text, fields, 'mode', 8, 0o755),
        uid: number(text, fields, 'uid', 10, 0),
        gid: number(text, fields, 'gid', 10, 0),
      };
    }
    default: {
      const size = fields.get('size');
      return { type: 'tmpfs', target, ...(size !== undefined ? { size: tmpfsSize(text, size) } : {}) };
    }
  }
}

function readOnly(text: string, fields: Map<string, string>, byDefault: boolean): boolean {
  const ro = fields.get('readonly');
  const rw = fields.get('readwrite');
  if (ro !== undefined && rw !== undefined) throw new InvalidArgument(`--mount=${text}: readonly and readwrite cannot both be given`);
  if (ro !== undefined) return bool(text, 'readonly', ro);
  if (rw !== undefined) return !bool(text, 'readwrite', rw);
  return byDefault;
}

function bool(text: string, key: string, v: string): boolean {
  if (/^(true|1)$/i.test(v)) return true;
  if (/^(false|0)$/i.test(v)) return false;
  throw new InvalidArgument(`--mount=${text}: invalid value for ${key}: ${v}`);
}

function number(text: string, fields: Map<string, string>, key: string, radix: 8 | 10, fallback: number): number {
  const v = fields.get(key);
  if (v === undefined) return fallback;
  const ok = radix === 8 ? /^[0-7]{1,4}$/.test(v) : /^\d{1,10}$/.test(v);
  if (!ok) throw new InvalidArgument(`--mount=${text}: invalid ${key} '${v}'`);
  return Number.parseInt(v, radix);
}

/** `size=64m`: bytes with an optional k/m/g suffix (binary), as BuildKit accepts. */
function tmpfsSize(text: string, v: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(v.trim());
  if (!m) throw new InvalidArgument(`--mount=${text}: invalid size '${v}'`);
  return Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
}

/** How a mount shows in the step's history and cache key; `content` names what a bind brings in. */
export function describeRunMount(m: RunMountSpec, content?: string): string {
  switch (m.type) {
    case 'bind':
      return `--mount=type=bind,${m.from !== undefined ? `from=${m.from},` : ''}source=${m.source},target=${m.target}${m.readonly ? '' : ',rw'}${content ? ` ${content}` : ''}`;
    case 'cache':
      return `--mount=type=cache,id=${m.id},target=${m.target},sharing=${m.sharing}${m.readonly ? ',ro' : ''}`;
    default:
      return `--mount=type=tmpfs,target=${m.target}${m.size !== undefined ? `,size=${m.size}` : ''}`;
  }
}
