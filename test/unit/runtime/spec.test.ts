import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpec } from '../../../src/runtime/spec/build-spec.js';
import type { SpecInput } from '../../../src/runtime/spec/build-spec.js';
import { containerCapabilities, DEFAULT_CAPABILITIES, ALL_CAPABILITIES } from '../../../src/runtime/spec/capabilities.js';
import { parseProcLimits } from '../../../src/runtime/spec/host-limits.js';
import { mergeMountOptions } from '../../../src/runtime/spec/mounts.js';
import { RLIM_UNLIMITED } from '../../../src/runtime/spec/rlimits.js';
import { InvalidArgument } from '../../../src/core/errors.js';

const host = { arch: 'amd64', kernel: '6.1.0-18-amd64' };
const base: SpecInput = { rootfs: '/r/rootfs', args: ['sh'], env: ['PATH=/bin'], network: 'none', host };

test('defaults match Docker: caps, mounts, masked and readonly paths, namespaces', () => {
  const s = buildSpec(base);
  assert.equal(s.root.path, '/r/rootfs');
  assert.equal(s.root.readonly, false);
  assert.equal(s.process.cwd, '/');
  assert.deepEqual(s.process.user, { uid: 0, gid: 0 });
  assert.deepEqual([...s.process.capabilities.bounding].sort(), [...DEFAULT_CAPABILITIES].sort());
  assert.equal(s.process.capabilities.bounding.length, 14);
  assert.deepEqual(s.process.capabilities.inheritable, []);
  assert.deepEqual(s.mounts.map((m) => m.destination),
    ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
  assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes('size=65536k'));
  assert.ok(s.mounts.find((m) => m.destination === '/sys')?.options?.includes('ro'));
  assert.ok(s.linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(s.linux.maskedPaths.includes('/sys/devices/virtual/powercap'));
  assert.deepEqual(s.linux.readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
  assert.equal(s.process.rlimits, undefined, 'Docker sets no rlimits by default');
  assert.deepEqual(s.linux.resources.devices[0], { allow: false, access: 'rwm' });
  assert.ok(s.linux.resources.devices.some((d) => d.allow && d.major === 1 && d.minor === 3));
  assert.equal(s.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(s.process.noNewPrivileges, false);
  assert.equal(s.process.terminal, false);
});

test('network modes: host has no netns, a path is joined', () => {
  assert.ok(!buildSpec({ ...base, network: 'host' }).linux.namespaces.some((n) => n.type === 'network'));
  const joined = buildSpec({ ...base, network: '/run/netns/x' }).linux.namespaces.find((n) => n.type === 'network');
  assert.deepEqual(joined, { type: 'network', path: '/run/netns/x' });
  assert.throws(() => buildSpec({ ...base, network: 'bridge' }), InvalidArgument);
});

test('capabilities: add, drop, ALL, prefixes and case', () => {
  const caps = containerCapabilities(['net_admin', 'CAP_SYS_TIME'], ['MKNOD', 'cap_kill'], false);
  assert.ok(caps.includes('CAP_NET_ADMIN') && caps.includes('CAP_SYS_TIME'));
  assert.ok(!caps.includes('CAP_MKNOD') && !caps.includes('CAP_KILL'));
  assert.deepEqual(containerCapabilities([], ['ALL'], false), []);
  assert.deepEqual(containerCapabilities(['NET_ADMIN'], ['all'], false), ['CAP_NET_ADMIN']);
  assert.equal(containerCapabilities(['ALL'], ['SYS_ADMIN'], false).length, ALL_CAPABILITIES.length - 1);
  assert.ok(containerCapabilities(['CHOWN'], ['CHOWN'], false).includes('CAP_CHOWN'), 'add wins, as in moby');
  assert.throws(() => containerCapabilities(['NOT_A_CAP'], [], false), InvalidArgument);
});

test('privileged: all caps, no seccomp, no masked paths, all devices, rw /sys', () => {
  const s = buildSpec({ ...base, privileged: true });
  assert.equal(s.process.capabilities.bounding.length, ALL_CAPABILITIES.length);
  assert.equal(s.linux.seccomp, undefined);
  assert.deepEqual(s.linux.maskedPaths, []);
  assert.deepEqual(s.linux.readonlyPaths, []);
  assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }]);
  assert.ok(s.mounts.find((m) => m.destination === '/sys')?.options?.includes('rw'));
});

test('seccomp follows capabilities, arch and can be turned off', () => {
  const names = (s: ReturnType<typeof buildSpec>) => new Set(s.linux.seccomp!.syscalls.flatMap((r) => r.names));
  const plain = names(buildSpec(base));
  assert.ok(plain.has('read') && plain.has('arch_prctl'));
  assert.ok(!plain.has('mount') && !plain.has('reboot') && !plain.has('s390_runtime_instr'));
  const admin = buildSpec({ ...base, capAdd: ['SYS_ADMIN'] });
  assert.ok(names(admin).has('mount'));
  // clone is unrestricted with SYS_ADMIN, masked otherwise; clone3 returns ENOSYS without it.
  const plainSpec = buildSpec(base);
  assert.ok(plainSpec.linux.seccomp!.syscalls.some((r) => r.names.includes('clone') && r.args?.[0]?.op === 'SCMP_CMP_MASKED_EQ'));
  assert.ok(plainSpec.linux.seccomp!.syscalls.some((r) => r.names.includes('clone3') && r.errnoRet === 38));
  assert.ok(!admin.linux.seccomp!.syscalls.some((r) => r.names.includes('clone3') && r.action === 'SCMP_ACT_ERRNO'));
  assert.deepEqual(plainSpec.linux.seccomp!.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.equal(plainSpec.linux.seccomp!.defaultErrnoRet, 1);
  const old = names(buildSpec({ ...base, host: { arch: 'amd64', kernel: '4.4.0' } }));
  assert.ok(!old.has('ptrace'), 'ptrace needs kernel 4.8');
  assert.ok(plain.has('ptrace'));
  assert.equal(buildSpec({ ...base, seccomp: false }).linux.seccomp, undefined);
});

test('ulimits map to rlimits and clamp to the ceilings', () => {
  const s = buildSpec({
    ...base,
    ulimits: [{ name: 'nofile', soft: 1024, hard: 1_000_000 }, { name: 'core', soft: -1, hard: -1 }, { name: 'nproc', soft: 200000, hard: 200000 }],
    rlimitCeilings: { RLIMIT_NOFILE: 20000, RLIMIT_NPROC: 96364 },
  });
  assert.deepEqual(s.process.rlimits, [
    { type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 },
    { type: 'RLIMIT_CORE', soft: RLIM_UNLIMITED, hard: RLIM_UNLIMITED },
    { type: 'RLIMIT_NPROC', soft: 96364, hard: 96364 },
  ]);
  assert.throws(() => buildSpec({ ...base, ulimits: [{ name: 'bogus', soft: 1, hard: 1 }] }), InvalidArgument);
  assert.throws(() => buildSpec({ ...base, ulimits: [{ name: 'nofile', soft: 2, hard: 1 }] }), InvalidArgument);
});

test('parseProcLimits reads hard limits', () => {
  const text = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max processes             96365                96365                processes ',
    'Max open files            1024                 20000                files     ',
    'Max core file size        0                    unlimited            bytes     ',
  ].join('\n');
  const l = parseProcLimits(text);
  assert.equal(l['RLIMIT_NOFILE'], 20000);
  assert.equal(l['RLIMIT_NPROC'], 96365);
  assert.equal(l['RLIMIT_CORE'], RLIM_UNLIMITED);
});

test('resources: memory, swap default, cpu, pids', () => {
  const s = buildSpec({
    ...base,
    resources: { memory: 64 << 20, cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, cpusetCpus: '0', pidsLimit: 100 },
  });
  assert.deepEqual(s.linux.resources.memory, { limit: 64 << 20, swap: 128 << 20 });
  assert.deepEqual(s.linux.resources.cpu, { shares: 512, quota: 50000, period: 100000, cpus: '0' });
  assert.deepEqual(s.linux.resources.pids, { limit: 100 });
  assert.equal(buildSpec({ ...base, resources: { memory: 1 << 20, memorySwap: -1 } }).linux.resources.memory?.swap, -1);
  assert.equal(buildSpec({ ...base, resources: { pidsLimit: -1 } }).linux.resources.pids, undefined);
  assert.throws(() => buildSpec({ ...base, resources: { memory: 2 << 20, memorySwap: 1 << 20 } }), InvalidArgument);
});

test('mounts: tmpfs defaults merged, user mounts replace defaults, parents first', () => {
  const s = buildSpec({
    ...base,
    tmpfs: { '/run': 'size=1m,exec' },
    mounts: [
      { destination: '/data/sub', type: 'bind', source: '/h/sub', options: ['rbind'] },
      { destination: '/data', type: 'bind', source: '/h', options: ['rbind', 'ro'] },
      { destination: '/dev/shm', type: 'bind', source: '/h/shm', options: ['rbind'] },
    ],
  });
  const dests = s.mounts.map((m) => m.destination);
  assert.equal(dests.filter((d) => d === '/dev/shm').length, 1);
  assert.ok(dests.indexOf('/data') < dests.indexOf('/data/sub'));
  const run = s.mounts.find((m) => m.destination === '/run');
  assert.deepEqual(run?.options, ['nosuid', 'nodev', 'rprivate', 'size=1m', 'exec']);
  assert.deepEqual(mergeMountOptions(['ro', 'size=1', 'rw', 'size=2']), ['rw', 'size=2']);
  assert.throws(() => buildSpec({ ...base, tmpfs: { relative: '' } }), InvalidArgument);
});

test('misc: user, cwd, hostname, terminal, sysctls, readonly rootfs, cgroups path, overrides', () => {
  const s = buildSpec({
    ...base, user: { uid: 1000, gid: 1000, additionalGids: [10] }, cwd: '/work', hostname: 'box', terminal: true,
    readonlyRootfs: true, cgroupsPath: '/berth/abc', sysctls: { 'net.ipv4.ip_forward': '1' }, noNewPrivileges: true,
    maskedPaths: [], readonlyPaths: [],
  });
  assert.deepEqual(s.process.user, { uid: 1000, gid: 1000, additionalGids: [10] });
  assert.equal(s.process.cwd, '/work');
  assert.equal(s.hostname, 'box');
  assert.equal(s.process.terminal, true);
  assert.equal(s.root.readonly, true);
  assert.equal(s.linux.cgroupsPath, '/berth/abc');
  assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ip_forward': '1' });
  assert.equal(s.process.noNewPrivileges, true);
  assert.deepEqual(s.linux.maskedPaths, []);
  assert.throws(() => buildSpec({ ...base, network: 'host', sysctls: { 'net.ipv4.ip_forward': '1' } }), InvalidArgument);
  assert.throws(() => buildSpec({ ...base, sysctls: { 'vm.swappiness': '1' } }), InvalidArgument);
  assert.throws(() => buildSpec({ ...base, args: [] }), InvalidArgument);
});

test('buildSpec is pure: same input, same output, input untouched', () => {
  const input: SpecInput = { ...base, capAdd: ['NET_ADMIN'], env: ['A=1'] };
  const frozen = JSON.stringify(input);
  assert.deepEqual(buildSpec(input), buildSpec(input));
  assert.equal(JSON.stringify(input), frozen);
});

test('--pid and --ipc: own namespaces by default, none listed for host, joined by path for container:', () => {
  const types = (s: ReturnType<typeof buildSpec>) => s.linux.namespaces.map((n) => (n.path ? `${n.type}@${n.path}` : n.type));
  assert.deepEqual(types(buildSpec(base)), ['pid', 'ipc', 'uts', 'mount', 'network']);
  assert.deepEqual(types(buildSpec({ ...base, pid: 'host', ipc: 'host' })), ['uts', 'mount', 'network']);
  assert.deepEqual(types(buildSpec({ ...base, pid: '/proc/7/ns/pid', ipc: 'shareable' })), ['pid@/proc/7/ns/pid', 'ipc', 'uts', 'mount', 'network']);
  const hostIpc = buildSpec({ ...base, ipc: 'host' });
  assert.deepEqual(hostIpc.mounts.find((m) => m.destination === '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  assert.throws(() => buildSpec({ ...base, pid: 'relative/path' }), InvalidArgument);
});

test('--device adds the node and a cgroup rule with its permissions; --oom-score-adj and --memory-reservation', () => {
  const fuse = { path: '/dev/fuse', type: 'c' as const, major: 10, minor: 229, fileMode: 0o600, uid: 0, gid: 0 };
  const s = buildSpec({ ...base, devices: [{ device: fuse, access: 'r' }], oomScoreAdj: 500, resources: { memory: 256 << 20, memoryReservation: 64 << 20 } });
  assert.deepEqual(s.linux.devices, [fuse]);
  assert.deepEqual(s.linux.resources.devices.at(-1), { allow: true, type: 'c', major: 10, minor: 229, access: 'r' });
  assert.equal(s.process.oomScoreAdj, 500);
  assert.equal(s.linux.resources.memory?.reservation, 64 << 20);
  assert.throws(() => buildSpec({ ...base, oomScoreAdj: 1001 }), /range for oom score adj is \[-1000, 1000\]/);
  assert.throws(() => buildSpec({ ...base, resources: { memory: 64 << 20, memoryReservation: 128 << 20 } }), /memory reservation/);
});
