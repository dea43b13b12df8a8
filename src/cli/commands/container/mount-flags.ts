import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { MountSpec } from '../../../core/wire/volumes.js';
import { parseBytes } from './create-flags.js';

/** Splits one CSV record as Go's encoding/csv reads `--mount` values: commas, with "quoted" fields. */
function csvFields(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      if (ch === '"' && value[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function parseBool(key: string, val: string, message = `invalid value for ${key}: ${val}`): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(val)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(val)) return false;
  throw new Error(message);
}

function setKv(target: Record<string, string>, value: string): void {
  const eq = value.indexOf('=');
  const k = eq < 0 ? value : value.slice(0, eq);
  if (k !== '') target[k] = eq < 0 ? '' : value.slice(eq + 1);
}

/** One `--mount` value into the API's Mount, with the docker CLI's option names and errors. */
export function parseMountFlag(value: string): MountSpec {
  const m: MountSpec = { Type: 'volume' };
  const volumeOptions = () => {
    m.VolumeOptions ??= { Labels: {} };
    m.VolumeOptions.DriverConfig ??= {};
    return m.VolumeOptions;
  };
  const bindOptions = () => (m.BindOptions ??= {});
  const tmpfsOptions = () => (m.TmpfsOptions ??= {});
  try {
    for (const field of csvFields(value)) {
      const eq = field.indexOf('=');
      const key = eq < 0 ? field : field.slice(0, eq);
      const val = eq < 0 ? '' : field.slice(eq + 1);
      if (eq < 0) {
        if (key === 'readonly' || key === 'ro') m.ReadOnly = true;
        else if (key === 'volume-nocopy') volumeOptions().NoCopy = true;
        else if (key === 'bind-nonrecursive') bindOptions().NonRecursive = true;
        else throw new Error(`invalid field '${field}' must be a key=value pair`);
        continue;
      }
      switch (key) {
        case 'type':
          m.Type = val.toLowerCase();
          break;
        case 'source':
        case 'src':
          m.Source = val === '.' || val.startsWith('./') ? resolve(val) : val;
          break;
        case 'target':
        case 'dst':
        case 'destination':
          m.Target = val;
          break;
        case 'readonly':
        case 'ro':
          m.ReadOnly = parseBool(key, val);
          break;
        case 'consistency':
          m.Consistency = val.toLowerCase();
          break;
        case 'bind-propagation':
          bindOptions().Propagation = val.toLowerCase();
          break;
        case 'bind-nonrecursive':
          bindOptions().NonRecursive = parseBool(key, val);
          break;
        case 'volume-nocopy':
          volumeOptions().NoCopy = parseBool(key, val, `invalid value for volume-nocopy: ${val}`);
          break;
        case 'volume-label':
          setKv((volumeOptions().Labels ??= {}), val);
          break;
        case 'volume-driver':
          volumeOptions().DriverConfig!.Name = val;
          break;
        case 'volume-opt':
          setKv((volumeOptions().DriverConfig!.Options ??= {}), val);
          break;
        case 'tmpfs-size':
          try {
            tmpfsOptions().SizeBytes = parseBytes(val, '--mount');
          } catch {
            throw new Error(`invalid value for ${key}: ${val}`);
          }
          break;
        case 'tmpfs-mode':
          if (!/^[0-7]+$/.test(val)) throw new Error(`invalid value for ${key}: ${val}`);
          tmpfsOptions().Mode = parseInt(val, 8);
          break;
        default:
          throw new Error(`unexpected key '${key}' in '${field}'`);
      }
    }
    if (!m.Type) throw new Error('type is required');
    if (!m.Target) throw new Error('target is required');
    if (m.VolumeOptions && m.Type !== 'volume') throw new Error(`cannot mix 'volume-*' options with mount type '${m.Type}'`);
    if (m.BindOptions && m.Type !== 'bind') throw new Error(`cannot mix 'bind-*' options with mount type '${m.Type}'`);
    if (m.TmpfsOptions && m.Type !== 'tmpfs') throw new Error(`cannot mix 'tmpfs-*' options with mount type '${m.Type}'`);
  } catch (err) {
    throw new InvalidArgumentError(`invalid argument "${value}" for "--mount" flag: ${(err as Error).message}`);
  }
  return m;
}

/**
 * `-v` values as the docker CLI sends them: a bare container path is an anonymous volume
 * (`Config.Volumes`), anything with a source goes to `HostConfig.Binds`, with a `./` host
 * path made absolute.
 */
export function splitVolumeFlags(values: readonly string[]): { binds: string[]; volumes: Record<string, object> } {
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const v of values) {
    const colon = v.indexOf(':');
    if (colon < 0) {
      volumes[v] = {};
      continue;
    }
    const host = v.slice(0, colon);
    binds.push(host === '.' || host.startsWith('./') || host === '..' || host.startsWith('../') ? `${resolve(host)}${v.slice(colon)}` : v);
  }
  return { binds, volumes };
}
