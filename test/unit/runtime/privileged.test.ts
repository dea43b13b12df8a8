import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, mkdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSpec } from '../../../src/runtime/spec/build-spec.js';
import type { SpecInput } from '../../../src/runtime/spec/build-spec.js';
import { containerCapabilities, DEFAULT_CAPABILITIES, ALL_CAPABILITIES } from '../../../src/runtime/spec/capabilities.js';
import { capabilitiesFromMask, parseBoundingSet } from '../../../src/runtime/spec/host-capabilities.js';
import { readHostDevices, splitDev } from '../../../src/runtime/spec/host-devices.js';

const host = { arch: 'amd64', kernel: '6.1.0-18-amd64' };
const base: SpecInput = { rootfs: '/r/rootfs', args: ['sh'], env: ['PATH=/bin'], network: 'none', host };
// This VM's bounding set: every capability up to CAP_CHECKPOINT_RESTORE but CAP_SYS_RESOURCE (bit 24).
const NO_SYS_RESOURCE = capabilitiesFromMask('000001fffeffffff');

test('CapBnd masks name their capabilities by bit', () => {
  assert.equal(NO_SYS_RESOURCE.length, ALL_CAPABILITIES.length - 1);
  assert.ok(!NO_SYS_RESOURCE.includes('CAP_SYS_RESOURCE'));
  assert.deepEqual(capabilitiesFromMask('0000000000000001'), ['CAP_CHOWN']);
  assert.deepEqual(capabilitiesFromMask('0'), []);
  // A newer kernel's bits beyond the table are ignored.
  assert.equal(capabilitiesFromMask('ffffffffffffffff').length, ALL_CAPABILITIES.length);
  assert.deepEqual(parseBoundingSet('Name:\tx\nCapPrm:\t0000000000000003\nCapBnd:\t0000000000000003\n'), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
  assert.throws(() => parseBoundingSet('Name:\tx\n'));
});

test('every capability set stays inside the daemon\'s bounding set', () => {
  const priv = containerCapabilities([], [], true, NO_SYS_RESOURCE);
  assert.deepEqual(priv, NO_SYS_RESOURCE);
  const all = containerCapabilities(['ALL'], ['NET_ADMIN'], false, NO_SYS_RESOURCE);
  assert.ok(!all.includes('CAP_SYS_RESOURCE') && !all.includes('CAP_NET_ADMIN'));
  assert.equal(all.length, ALL_CAPABILITIES.length - 2);
  assert.deepEqual(containerCapabilities(['SYS_RESOURCE'], [], false, NO_SYS_RESOURCE).sort(), [...DEFAULT_CAPABILITIES].sort());
  const narrow = ['CAP_CHOWN', 'CAP_KILL'];
  assert.deepEqual(containerCapabilities([], [], false, narrow), ['CAP_CHOWN', 'CAP_KILL'], 'defaults are cut too');
  assert.deepEqual(containerCapabilities(['ALL'], ['ALL'], false, narrow), narrow);
});

test('privileged spec: the ceiling\'s caps, the host\'s devices, no seccomp, no masked or read-only paths, rw /sys', () => {
  const devices = [{ path: '/dev/loop0', type: 'b' as const, major: 7, minor: 0, fileMode: 0o660, uid: 0, gid: 6 }];
  const s = buildSpec({ ...base, privileged: true, capabilityCeiling: NO_SYS_RESOURCE, hostDevices: devices });
  assert.deepEqual(s.process.capabilities.bounding, NO_SYS_RESOURCE);
  assert.deepEqual(s.process.capabilities.effective, NO_SYS_RESOURCE);
  assert.deepEqual(s.linux.devices, devices);
  assert.equal(s.linux.seccomp, undefined);
  assert.deepEqual([s.linux.maskedPaths, s.linux.readonlyPaths], [[], []]);
  assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.ok(s.mounts.find((m) => m.destination === '/sys')?.options?.includes('rw'));
  assert.ok(s.mounts.find((m) => m.destination === '/sys/fs/cgroup')?.options?.includes('rw'));
  const plain = buildSpec({ ...base, capabilityCeiling: NO_SYS_RESOURCE, hostDevices: devices });
  assert.equal(plain.linux.devices, undefined, 'host devices only for privileged');
});

test('dev_t split follows glibc major()/minor()', () => {
  assert.deepEqual(splitDev(0x0103n), { major: 1, minor: 3 });
  assert.deepEqual(splitDev(0x10300n + 0x05n), { major: 259, minor: 5 });
  const makedev = (ma: bigint, mi: bigint) => ((ma & 0xfffn) << 8n) | ((ma & ~0xfffn) << 32n) | (mi & 0xffn) | ((mi & ~0xffn) << 12n);
  assert.deepEqual(splitDev(makedev(0x12345n, 0x6789an)), { major: 0x12345, minor: 0x6789a });
});

test('host devices: char and block nodes of /dev, not symlinks, console, pts or shm', async () => {
  const devs = await readHostDevices();
  const byPath = new Map(devs.map((d) => [d.path, d]));
  assert.deepEqual(byPath.get('/dev/null'), { ...byPath.get('/dev/null'), type: 'c', major: 1, minor: 3 });
  assert.ok(!byPath.has('/dev/console') && !byPath.has('/dev/stdin'));
  assert.ok(devs.every((d) => !d.path.startsWith('/dev/pts/') && !d.path.startsWith('/dev/shm/')));
  const dir = await mkdtemp(join(tmpdir(), 'devs-'));
  try {
    await mkdir(join(dir, 'pts'));
    await symlink('/dev/null', join(dir, 'nullish'));
    assert.deepEqual(await readHostDevices(dir), [], 'no devices in a plain directory');
  } finally {
    await rm(dir, { recursive: true });
  }
});
