/**
 * A mount to be performed, in containerd's shape. Storage returns these and never
 * mounts; only `mount/` turns them into mount(2) calls, and the runtime takes the
 * same type for a container's rootfs.
 *
 * @example
 * { type: 'overlay', source: 'overlay', options: ['workdir=/w', 'upperdir=/u', 'lowerdir=/a:/b', 'index=off'] }
 * { type: 'bind', source: '/var/lib/berth/snapshots/3/fs', options: ['ro', 'rbind'] }
 */
export interface Mount {
  /** File system type as mount(8) `-t` takes it; `bind` means a bind mount. */
  type: string;
  /** Device or directory; pseudo file systems use their type name (`overlay`). */
  source: string;
  /** mount(8) `-o` options, one per element, without commas inside an element. */
  options: string[];
}
