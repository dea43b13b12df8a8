import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from '../../../src/registry/client/challenge.js';
import { endpointsFor, isInsecureRegistry } from '../../../src/registry/client/endpoints.js';
import { selectPlatform } from '../../../src/registry/client/manifest.js';
import { registryErrorText } from '../../../src/registry/client/registry-errors.js';
import { decodeRegistryAuth, encodeRegistryAuth } from '../../../src/core/wire/registry-auth.js';
import { formatProgress } from '../../../src/core/progress.js';
import { parsePlatform } from '../../../src/core/platform.js';
import { renderProgress } from '../../../src/cli/format/progress.js';
import type { Digest } from '../../../src/core/digest.js';
import type { JsonMessage } from '../../../src/core/wire/images.js';

test('WWW-Authenticate challenges: bearer with quoted commas, basic, several in one header', () => {
  const [c] = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"');
  assert.equal(c!.scheme, 'bearer');
  assert.deepEqual(c!.params, { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push' });
  const two = parseChallenges('Basic realm="r", Bearer realm="x\\"y"');
  assert.deepEqual(two.map((x) => x.scheme), ['basic', 'bearer']);
  assert.equal(two[1]!.params.realm, 'x"y');
  assert.deepEqual(parseChallenges(undefined), []);
});

test('insecure registries: loopback always, CIDRs and host:port from the config, others secure', async () => {
  const none = { insecureRegistries: [] };
  assert.equal(await isInsecureRegistry('127.0.0.1:5000', none), true);
  assert.equal(await isInsecureRegistry('localhost:5000', none), true);
  assert.equal(await isInsecureRegistry('[::1]:5000', none), true);
  assert.equal(await isInsecureRegistry('10.1.2.3:5000', none), false);
  assert.equal(await isInsecureRegistry('10.1.2.3:5000', { insecureRegistries: ['10.0.0.0/8'] }), true);
  assert.equal(await isInsecureRegistry('reg.example.invalid:5000', { insecureRegistries: ['reg.example.invalid:5000'] }), true);
  assert.equal(await isInsecureRegistry('reg.example.invalid:5001', { insecureRegistries: ['reg.example.invalid:5000'] }), false);
});

test('endpoints: HTTPS first, HTTP only when insecure; docker.io goes to mirrors first on pull only', async () => {
  const cfg = { insecureRegistries: [], registryMirrors: ['http://mirror.local:5000/'] };
  assert.deepEqual((await endpointsFor('127.0.0.1:5000', cfg, 'pull')).map((e) => e.base), ['https://127.0.0.1:5000', 'http://127.0.0.1:5000']);
  assert.deepEqual((await endpointsFor('ghcr.example.invalid', cfg, 'pull')).map((e) => e.base), ['https://ghcr.example.invalid']);
  assert.deepEqual((await endpointsFor('docker.io', cfg, 'pull')).map((e) => [e.base, e.mirror]), [['http://mirror.local:5000', true], ['https://registry-1.docker.io', false]]);
  assert.deepEqual((await endpointsFor('docker.io', cfg, 'push')).map((e) => e.base), ['https://registry-1.docker.io']);
});

test('X-Registry-Auth: base64url JSON both ways; standard base64 and auth-only configs are accepted', () => {
  const h = encodeRegistryAuth({ username: 'u', password: 'p?>', serveraddress: 'r:5000' });
  assert.doesNotMatch(h, /[+/=]/);
  assert.deepEqual(decodeRegistryAuth(h), { username: 'u', password: 'p?>', serveraddress: 'r:5000' });
  const std = Buffer.from(JSON.stringify({ auth: Buffer.from('a:b').toString('base64') })).toString('base64');
  assert.deepEqual(decodeRegistryAuth(std), { auth: 'YTpi', username: 'a', password: 'b' });
  assert.deepEqual(decodeRegistryAuth(''), {});
  assert.throws(() => decodeRegistryAuth('!!!notbase64'), /X-Registry-Auth/);
});

test('registry error bodies render as Docker renders them', () => {
  assert.equal(registryErrorText(Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')), 'manifest unknown: manifest unknown');
  assert.equal(registryErrorText(Buffer.from('<html>')), undefined);
});

test('platform selection from an index: first match, default variants, clear error otherwise', () => {
  const d = (n: number) => `sha256:${String(n).repeat(64)}` as Digest;
  const index = {
    schemaVersion: 2 as const,
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d(1), size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d(2), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d(3), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    ],
  };
  assert.equal(selectPlatform(index, parsePlatform('linux/amd64')).digest, d(3));
  assert.equal(selectPlatform(index, parsePlatform('linux/aarch64')).digest, d(2));
  assert.throws(() => selectPlatform(index, parsePlatform('linux/s390x')), /no matching manifest for linux\/s390x in the manifest list entries/);
});

test('progress text matches Docker\'s JSONProgress', () => {
  assert.equal(formatProgress(0, 0), '');
  assert.equal(formatProgress(1_048_576, 2_153_000), `[${'='.repeat(24)}>${' '.repeat(26)}]  1.049MB/2.153MB`);
  assert.equal(formatProgress(772_800, 772_800, 80), ' 772.8kB/772.8kB');
});

test('the CLI renders progress lines in place on a terminal and skips byte progress otherwise', async () => {
  const msgs: JsonMessage[] = [
    { status: 'Pulling from bb', id: '1' },
    { status: 'Pulling fs layer', progressDetail: {}, id: 'aaa' },
    { status: 'Downloading', progressDetail: { current: 5, total: 10 }, progress: 'x', id: 'aaa' },
    { status: 'Pull complete', progressDetail: {}, id: 'aaa' },
    { status: 'Digest: sha256:x' },
  ];
  async function* gen() {
    yield* msgs;
  }
  let plain = '';
  await renderProgress(gen(), { write: (s: string) => (plain += s) });
  assert.equal(plain, '1: Pulling from bb\naaa: Pulling fs layer\naaa: Pull complete\nDigest: sha256:x\n');
  let tty = '';
  await renderProgress(gen(), { write: (s: string) => (tty += s), isTTY: true, columns: 80 });
  assert.match(tty, /\n\x1b\[1A\x1b\[2K\raaa: Pulling fs layer \r\x1b\[1B/);
  assert.match(tty, /aaa: Downloading\s+5B\/10B\r/);
});
