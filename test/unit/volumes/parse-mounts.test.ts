import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBind, parseMountSpec, parseVolumesFrom, tmpfsData, validMountMode } from '../../../src/daemon/containers/mounts/parse-mounts.js';
import { validateLocalOptions, validateVolumeName, needsMount } from '../../../src/volumes/local-options.js';
import { parseMountFlag, splitVolumeFlags } from '../../../src/cli/commands/container/mount-flags.js';

test('parseBind: volumes, binds, modes as Docker reads -v', () => {
  assert.deepEqual(parseBind('data:/app'), { Type: 'volume', Name: 'data', Source: '', Destination: '/app', Driver: 'local', Mode: 'z', RW: true, Propagation: '', CopyData: true, VolumeOptions: null, VolumeLabels: null });
  const ro = parseBind('/srv/x:/x:ro,rslave');
  assert.deepEqual([ro.Type, ro.Source, ro.Destination, ro.RW, ro.Mode, ro.Propagation, ro.CreateSource], ['bind', '/srv/x', '/x', false, 'ro,rslave', 'rslave', true]);
  assert.equal(parseBind('/srv/x:/x').Propagation, 'rprivate');
  assert.equal(parseBind('data:/app:nocopy').CopyData, false);
  assert.equal(parseBind('data:/app:nocopy').Mode, 'nocopy');
  const anon = parseBind('/only');
  assert.deepEqual([anon.Type, anon.Name, anon.Destination], ['volume', '', '/only']);
  assert.throws(() => parseBind('/a:rw'), { message: "invalid volume specification: '/a:rw'" });
  assert.throws(() => parseBind('a:b:c:d'), { message: "invalid volume specification: 'a:b:c:d'" });
  assert.throws(() => parseBind(':/a'), { message: "invalid volume specification: ':/a'" });
  assert.throws(() => parseBind('v:/a:ro,rw'), { message: 'invalid mode: ro,rw' });
  assert.throws(() => parseBind('v:rel'), { message: "invalid volume specification: 'v:rel': invalid mount config for type \"volume\": invalid mount path: 'rel' mount path must be absolute" });
  assert.throws(() => parseBind('v:/'), /destination can't be '\/'/);
});

test('parseMountSpec: Docker\'s validation per type', () => {
  const exists = (p: string) => p === '/there';
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/nope', Target: '/a' }, exists), { message: 'invalid mount config for type "bind": bind source path does not exist: /nope' });
  assert.equal(parseMountSpec({ Type: 'bind', Source: '/nope', Target: '/a', BindOptions: { CreateMountpoint: true } }, exists).CreateSource, true);
  assert.equal(parseMountSpec({ Type: 'bind', Source: '/there', Target: '/a/' }, exists).Destination, '/a');
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/there', Target: '/a', BindOptions: { Propagation: 'x' } }, exists), /invalid propagation mode: x/);
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/there', Target: '/a', VolumeOptions: {} }, exists), /field VolumeOptions must not be specified/);
  assert.throws(() => parseMountSpec({ Type: 'volume', Target: '/a', ReadOnly: true }), /must not set ReadOnly mode when using anonymous volumes/);
  assert.throws(() => parseMountSpec({ Type: 'volume', Source: 'v', Target: '/a', VolumeOptions: { DriverConfig: { Name: 'nfs' } } }), /plugin "nfs" not found/);
  const v = parseMountSpec({ Type: 'volume', Source: 'v', Target: '/a', VolumeOptions: { NoCopy: true, DriverConfig: { Options: { type: 'tmpfs', device: 'tmpfs' } }, Labels: { a: 'b' } } });
  assert.deepEqual([v.CopyData, v.VolumeOptions, v.VolumeLabels, v.Mode], [false, { type: 'tmpfs', device: 'tmpfs' }, { a: 'b' }, 'z']);
  assert.throws(() => parseMountSpec({ Type: 'tmpfs', Source: 'x', Target: '/a' }), /field Source must not be specified/);
  assert.equal(parseMountSpec({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 3 * 1024 * 1024, Mode: 0o1770 } }).TmpfsData, 'mode=1770,size=3m');
  assert.throws(() => parseMountSpec({ Type: 'npipe', Target: '/a' }), /invalid mount config for type "npipe": mount type unknown/);
  assert.throws(() => parseMountSpec({ Type: 'volume', Target: '' }), /field Target must not be empty/);
});

test('tmpfsData sizes use the largest exact unit; options are limited to exec/noexec', () => {
  assert.equal(tmpfsData({ SizeBytes: 1536 }, true), 'ro,size=1536');
  assert.equal(tmpfsData({ SizeBytes: 3072 }, false), 'size=3k');
  assert.equal(tmpfsData({ SizeBytes: 2 ** 30 }, false), 'size=1g');
  assert.equal(tmpfsData({ Options: [['exec']] }, false), 'exec');
  assert.throws(() => tmpfsData({ Options: [['suid']] }, false), /invalid option: suid/);
});

test('mount modes and --volumes-from specs', () => {
  assert.ok(validMountMode('ro,z,rshared,nocopy'));
  assert.ok(!validMountMode('ro,rw'));
  assert.ok(!validMountMode('bogus'));
  assert.deepEqual(parseVolumesFrom('c1'), { ref: 'c1', rw: true });
  assert.deepEqual(parseVolumesFrom('c1:ro'), { ref: 'c1', rw: false });
  assert.throws(() => parseVolumesFrom('c1:shared'), { message: 'invalid mode: shared' });
  assert.throws(() => parseVolumesFrom('c1:nocopy'), { message: 'invalid mode: nocopy' });
  assert.throws(() => parseVolumesFrom(''), /cannot be an empty string/);
});

test('local driver names and options', () => {
  validateVolumeName('my-vol_1.x');
  assert.throws(() => validateVolumeName('a'), /includes invalid characters/);
  assert.throws(() => validateVolumeName('../x'), /includes invalid characters/);
  validateLocalOptions('v', { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' });
  assert.throws(() => validateLocalOptions('v', { foo: 'x' }), { message: 'create v: invalid option: "foo"' });
  assert.throws(() => validateLocalOptions('v', { o: 'bind' }), { message: 'create v: missing required option: "device"' });
  assert.throws(() => validateLocalOptions('v', { size: '1g' }), /quota size requested but no quota support/);
  assert.equal(needsMount({ type: 'none', device: '/x', o: 'bind' }), true);
  assert.equal(needsMount(null), false);
});

test('CLI --mount and -v parsing follow the docker CLI', () => {
  assert.deepEqual(parseMountFlag('type=bind,src=/a,dst=/b,readonly,bind-propagation=rshared'), { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rshared' } });
  assert.deepEqual(parseMountFlag('target=/v,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-label=a=b'), {
    Type: 'volume', Target: '/v', VolumeOptions: { Labels: { a: 'b' }, DriverConfig: { Options: { type: 'tmpfs', device: 'tmpfs' } } },
  });
  assert.deepEqual(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770').TmpfsOptions, { SizeBytes: 64 * 1024 * 1024, Mode: 0o1770 });
  assert.deepEqual(parseMountFlag('"type=volume","dst=/a,b"').Target, '/a,b');
  assert.throws(() => parseMountFlag('type=bind,src=/a'), /target is required/);
  assert.throws(() => parseMountFlag('type=bind,dst=/a,volume-nocopy'), /cannot mix 'volume-\*' options with mount type 'bind'/);
  assert.throws(() => parseMountFlag('dst=/a,bogus'), /invalid field 'bogus' must be a key=value pair/);
  assert.throws(() => parseMountFlag('dst=/a,ro=maybe'), /invalid value for ro: maybe/);
  const v = splitVolumeFlags(['/anon', 'vol:/app:ro', './rel:/r']);
  assert.deepEqual(v.volumes, { '/anon': {} });
  assert.equal(v.binds[0], 'vol:/app:ro');
  assert.equal(v.binds[1], `${process.cwd()}/rel:/r`);
});
