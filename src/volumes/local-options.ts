import { InvalidArgument } from '../core/errors.js';

/** Docker's local-driver volume names: they become a directory name, so nothing that could escape it. */
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Label Docker (23+) puts on volumes it made up a name for; `volume prune` removes only these by default. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export function validateVolumeName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new InvalidArgument(
      `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

const VALID = ['type', 'o', 'device', 'size'];
/** An option that needs others beside it (moby volume/local `mandatoryOpts`). */
const REQUIRES: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] };

/**
 * Checks `--opt` for the local driver as Docker does: only type, o, device (and size,
 * which needs a quota-capable file system Berth does not manage, so any size above zero
 * is refused), and type/device/o only together.
 */
export function validateLocalOptions(name: string, opts: Record<string, string>): void {
  for (const key of Object.keys(opts)) {
    if (!VALID.includes(key)) throw new InvalidArgument(`create ${name}: invalid option: "${key}"`);
  }
  const size = opts.size;
  if (size !== undefined && !/^0*(\.0*)?\s*[bkmgtp]?i?b?$/i.test(size.trim())) {
    throw new InvalidArgument(`create ${name}: quota size requested but no quota support`);
  }
  for (const key of Object.keys(REQUIRES).sort()) {
    if (!(key in opts)) continue;
    for (const req of REQUIRES[key]!) {
      if (!(req in opts)) throw new InvalidArgument(`create ${name}: missing required option: "${req}"`);
    }
  }
}

/** True when the volume's data directory gets a file system mounted on it while in use. */
export function needsMount(opts: Record<string, string> | null): boolean {
  return opts !== null && (Boolean(opts.device) || Boolean(opts.type));
}
