import { posix } from 'node:path';
import { InvalidArgument } from '../../../core/errors.js';
import type { MountSpec } from '../../../core/wire/volumes.js';

/**
 * A container's mount as Berth keeps it in the container record (Docker's MountPoint in
 * config.v2.json): resolved at create, turned into OCI mounts at every start.
 */
export interface MountPointRecord {
  Type: 'bind' | 'volume' | 'tmpfs';
  /** Volume name; '' for binds and tmpfs. */
  Name: string;
  /** Host path: the bind source or the volume's data directory; '' for tmpfs. */
  Source: string;
  Destination: string;
  /** 'local' for volumes, '' otherwise. */
  Driver: string;
  /** The mode as the user wrote it (`ro`, `nocopy`, `z`...), shown by inspect. */
  Mode: string;
  RW: boolean;
  /** Bind propagation (`rprivate` by default for binds); '' for volumes and tmpfs. */
  Propagation: string;
  /** Fill the volume from the image at create (copy-up) when it is empty. */
  CopyData: boolean;
  /** `-v /host:/ctr` creates a missing host directory; `--mount type=bind` does not. */
  CreateSource?: boolean;
  /** tmpfs: mount(8) options from TmpfsOptions (`size=1m,mode=1770`). */
  TmpfsData?: string;
  /** `--mount volume-opt=` / `volume-label=`: used when the volume is created by this mount. */
  VolumeOptions?: Record<string, string> | null;
  VolumeLabels?: Record<string, string> | null;
}

const RW_MODES = new Set(['rw', 'ro', 'ro-non-recursive', 'ro-force-recursive', 'rro']);
const LABEL_MODES = new Set(['z', 'Z']);
const PROPAGATION = new Set(['private', 'rprivate', 'slave', 'rslave', 'shared', 'rshared']);
const COPY_MODES = new Set(['nocopy']);
const CONSISTENCY = new Set(['consistent', 'cached', 'delegated']);

/** Docker's linuxValidMountMode: comma-separated, at most one of each kind. */
export function validMountMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = [0, 0, 0, 0, 0];
  for (const o of mode.split(',')) {
    const kind = RW_MODES.has(o) ? 0 : LABEL_MODES.has(o) ? 1 : PROPAGATION.has(o) ? 2 : COPY_MODES.has(o) ? 3 : CONSISTENCY.has(o) ? 4 : -1;
    if (kind < 0 || ++counts[kind]! > 1) return false;
  }
  return true;
}

function readWrite(mode: string): boolean {
  return !mode.split(',').includes('ro');
}

function propagationOf(mode: string): string | undefined {
  return mode.split(',').find((o) => PROPAGATION.has(o));
}

function mountError(type: string | undefined, message: string): InvalidArgument {
  return new InvalidArgument(`invalid mount config for type "${type ?? ''}": ${message}`);
}

function checkTarget(spec: MountSpec): string {
  const target = spec.Target ?? '';
  if (target === '') throw mountError(spec.Type, 'field Target must not be empty');
  if (posix.normalize(target) === '/') throw mountError(spec.Type, "invalid specification: destination can't be '/'");
  if (!posix.isAbsolute(target)) throw mountError(spec.Type, `invalid mount path: '${target}' mount path must be absolute`);
  return posix.normalize(target).replace(/(.)\/$/, '$1');
}

/** `TmpfsOptions` → mount(8) data, as moby's ConvertTmpfsOptions (size with the largest exact unit). */
export function tmpfsData(opts: MountSpec['TmpfsOptions'], readOnly: boolean): string {
  const out: string[] = [];
  if (readOnly) out.push('ro');
  if (opts?.Mode) out.push(`mode=${opts.Mode.toString(8)}`);
  if (opts?.SizeBytes) {
    let size = opts.SizeBytes;
    let suffix = '';
    for (const [s, d] of [['g', 2 ** 30], ['m', 2 ** 20], ['k', 2 ** 10]] as const) {
      if (size % d === 0) {
        size /= d;
        suffix = s;
        break;
      }
    }
    out.push(`size=${size}${suffix}`);
  }
  for (const o of opts?.Options ?? []) {
    if (o.length < 1 || o.length > 2) throw new InvalidArgument('invalid option array length');
    if (o[0] !== 'exec' && o[0] !== 'noexec') throw new InvalidArgument(`invalid option: ${o[0]}`);
    out.push(o.length === 1 ? o[0]! : `${o[0]}=${o[1]}`);
  }
  return out.join(',');
}

/**
 * Validates one `HostConfig.Mounts` entry and turns it into a mount point, with Docker's
 * errors (`invalid mount config for type "bind": ...`). `sourceExists` answers for bind
 * sources, which must exist unless `CreateMountpoint` is set.
 */
export function parseMountSpec(spec: MountSpec, sourceExists?: (path: string) => boolean): MountPointRecord {
  const destination = checkTarget(spec);
  const source = spec.Source ?? '';
  const rw = !spec.ReadOnly;
  switch (spec.Type) {
    case 'bind': {
      if (source === '') throw mountError(spec.Type, 'field Source must not be empty');
      const prop = spec.BindOptions?.Propagation;
      if (prop && !PROPAGATION.has(prop)) throw mountError(spec.Type, `invalid propagation mode: ${prop}`);
      if (spec.VolumeOptions) throw mountError(spec.Type, 'field VolumeOptions must not be specified');
      if (!posix.isAbsolute(source)) throw mountError(spec.Type, `invalid mount path: '${source}' mount path must be absolute`);
      const create = spec.BindOptions?.CreateMountpoint ?? false;
      if (sourceExists && !create && !sourceExists(source)) throw mountError(spec.Type, `bind source path does not exist: ${source}`);
      return { Type: 'bind', Name: '', Source: posix.normalize(source), Destination: destination, Driver: '', Mode: '', RW: rw, Propagation: prop || 'rprivate', CopyData: false, CreateSource: create };
    }
    case 'volume': {
      if (spec.BindOptions) throw mountError(spec.Type, 'field BindOptions must not be specified');
      if (spec.VolumeOptions?.Subpath) throw mountError(spec.Type, 'volume subpaths are not supported by Berth');
      if (spec.ReadOnly && source === '') throw mountError(spec.Type, 'must not set ReadOnly mode when using anonymous volumes');
      const driver = spec.VolumeOptions?.DriverConfig?.Name;
      if (driver && driver !== 'local') throw new InvalidArgument(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
      return {
        // Docker shows `z` for local volumes mounted without a mode (setBindModeIfNull).
        Type: 'volume', Name: source, Source: '', Destination: destination, Driver: 'local', Mode: 'z', RW: rw, Propagation: '',
        CopyData: !(spec.VolumeOptions?.NoCopy ?? false),
        VolumeOptions: spec.VolumeOptions?.DriverConfig?.Options ?? null,
        VolumeLabels: spec.VolumeOptions?.Labels ?? null,
      };
    }
    case 'tmpfs': {
      if (spec.BindOptions) throw mountError(spec.Type, 'field BindOptions must not be specified');
      if (source !== '') throw mountError(spec.Type, 'field Source must not be specified');
      let data: string;
      try {
        data = tmpfsData(spec.TmpfsOptions, spec.ReadOnly ?? false);
      } catch (err) {
        throw mountError(spec.Type, (err as Error).message);
      }
      return { Type: 'tmpfs', Name: '', Source: '', Destination: destination, Driver: '', Mode: '', RW: rw, Propagation: '', CopyData: false, TmpfsData: data };
    }
    default:
      throw mountError(spec.Type, 'mount type unknown');
  }
}

/**
 * One `HostConfig.Binds` entry (`-v`): `/ctr`, `src:/ctr` or `src:/ctr:mode`, where an
 * absolute `src` is a host directory and anything else a volume name (Docker's ParseMountRaw).
 */
export function parseBind(raw: string): MountPointRecord {
  const invalid = () => new InvalidArgument(`invalid volume specification: '${raw}'`);
  const arr = raw.split(':');
  if (arr[0] === '' || arr.length > 3) throw invalid();
  let source = '';
  let target: string;
  let mode = '';
  if (arr.length === 1) target = arr[0]!;
  else if (arr.length === 2) {
    // `/foo:rw` is a destination with a mode, which a volume cannot be.
    if (validMountMode(arr[1]!)) throw invalid();
    [source, target] = arr as [string, string];
  } else [source, target, mode] = arr as [string, string, string];
  if (!validMountMode(mode)) throw new InvalidArgument(`invalid mode: ${mode}`);
  const isBind = posix.isAbsolute(source);
  const spec: MountSpec = { Type: isBind ? 'bind' : 'volume', Source: source, Target: target, ReadOnly: !readWrite(mode) };
  let mp: MountPointRecord;
  try {
    mp = parseMountSpec(spec);
  } catch (err) {
    throw new InvalidArgument(`invalid volume specification: '${raw}': ${(err as Error).message}`);
  }
  if (mode !== '') mp.Mode = mode;
  if (isBind) {
    mp.Propagation = propagationOf(mode) ?? 'rprivate';
    mp.CreateSource = true;
  } else {
    if (mode.split(',').includes('nocopy')) mp.CopyData = false;
  }
  return mp;
}

/** `--volumes-from ctr[:ro|:rw]` → container reference and whether mounts stay writable. */
export function parseVolumesFrom(spec: string): { ref: string; rw: boolean } {
  if (spec === '') throw new InvalidArgument('volumes-from specification cannot be an empty string');
  const colon = spec.indexOf(':');
  const ref = colon < 0 ? spec : spec.slice(0, colon);
  const mode = colon < 0 ? '' : spec.slice(colon + 1);
  if (mode === '') return { ref, rw: true };
  if (!validMountMode(mode) || propagationOf(mode) || mode.split(',').includes('nocopy')) throw new InvalidArgument(`invalid mode: ${mode}`);
  return { ref, rw: readWrite(mode) };
}
