import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgument } from '../../core/errors.js';
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

/** A device a container is given by path (`--device /dev/fuse[:/dev/fuse[:rwm]]`), as the host has it. */
export interface DeviceGrant {
  device: OciDevice;
  /** cgroup access: any of r, w, m. */
  access: string;
}

/**
 * Docker's `--device`: the host device at `hostPath` (a directory gives every device under
 * it) appears at `containerPath` with the host's type, numbers and mode, and the device
 * cgroup allows `permissions` on it. Anything else (missing, not a device) is an error.
 */
export async function resolveDevice(hostPath: string, containerPath: string, permissions: string): Promise<DeviceGrant[]> {
  if (!/^[rwm]{1,3}$/.test(permissions)) throw new InvalidArgument(`invalid device cgroup permissions ${JSON.stringify(permissions)}: r, w, m`);
  const st = await stat(hostPath).catch(() => undefined);
  if (!st) throw new InvalidArgument(`error gathering device information while adding custom device "${hostPath}": no such file or directory`);
  if (st.isDirectory()) {
    const found = await readHostDevices(hostPath);
    return found.map((d) => ({ device: { ...d, path: join(containerPath, d.path.slice(hostPath.replace(/\/+$/, '').length)) }, access: permissions }));
  }
  if (!st.isCharacterDevice() && !st.isBlockDevice()) throw new InvalidArgument(`error gathering device information while adding custom device "${hostPath}": not a device node`);
  const big = await stat(hostPath, { bigint: true });
  const device: OciDevice = {
    path: containerPath,
    type: st.isCharacterDevice() ? 'c' : 'b',
    ...splitDev(big.rdev),
    fileMode: Number(big.mode & 0o7777n),
    uid: Number(big.uid),
    gid: Number(big.gid),
  };
  return [{ device, access: permissions }];
}
