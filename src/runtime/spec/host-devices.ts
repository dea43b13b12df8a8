import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { OciDevice } from './oci-types.js';

// Directories of /dev that hold no device of the host's own (runc `devices.GetDevices`).
const SKIPPED_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Linux `major()`/`minor()` of a dev_t (glibc's split: 12+20 bits major, 8+24 bits minor). */
export function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n);
  return { major: Number(major), minor: Number(minor) };
}

/**
 * Every block and character device under `root` (the host's /dev), as a privileged
 * container gets them (moby `WithDevices` → runc `HostDevices`). Symlinks, fifos and
 * the console are left out; the container's /dev/console is its own.
 */
export async function readHostDevices(root = '/dev'): Promise<OciDevice[]> {
  const out: OciDevice[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // a directory that vanished mid-walk (hotplug) holds nothing to pass on
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIPPED_DIRS.has(e.name)) await walk(path);
        continue;
      }
      if (e.name === 'console' || !(e.isCharacterDevice() || e.isBlockDevice())) continue;
      const st = await lstat(path, { bigint: true }).catch(() => undefined);
      if (!st) continue;
      out.push({
        path,
        type: st.isCharacterDevice() ? 'c' : 'b',
        ...splitDev(st.rdev),
        fileMode: Number(st.mode & 0o7777n),
        uid: Number(st.uid),
        gid: Number(st.gid),
      });
    }
  };
  await walk(root);
  return out;
}
