import { test } from 'node:test';
import assert from 'node:assert/strict';
import { paginate } from './catalog.js';
import { RegistryError } from './errors.js';
import { Htpasswd, parseBasicAuth } from './htpasswd.js';
import { parseByteRange, parseContentRange } from './http-util.js';
import { parseManifest } from './manifest-validate.js';
import { parseManifestRef, parseRepoName } from './names.js';
import { parseAddr } from './serve.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof RegistryError) return err.code;
    throw err;
  }
  return 'ok';
};
const D = `sha256:${'a'.repeat(64)}`;

test('repository names follow the spec grammar', () => {
  for (const ok of ['a', 'library/busybox', 'a.b_c__d---e/f0', 'x/y/z']) assert.equal(code(() => parseRepoName(ok)), 'ok', ok);
  for (const bad of ['', 'A', 'a/', '/a', 'a//b', 'a..b', 'a___b', '_a', 'a/_layers', 'a/../b', 'a:b', 'a'.repeat(256)]) {
    assert.equal(code(() => parseRepoName(bad)), 'NAME_INVALID', bad);
  }
});

test('manifest references: tag or sha256 digest', () => {
  assert.deepEqual(parseManifestRef('v1.0_rc-1'), { kind: 'tag', tag: 'v1.0_rc-1' });
  assert.deepEqual(parseManifestRef(D), { kind: 'digest', digest: D });
  assert.equal(code(() => parseManifestRef('.hidden')), 'MANIFEST_INVALID');
  assert.equal(code(() => parseManifestRef('t'.repeat(129))), 'MANIFEST_INVALID');
  assert.equal(code(() => parseManifestRef('sha512:abc')), 'DIGEST_INVALID');
});

test('pagination: n, last, next marker', () => {
  const all = ['a', 'b', 'c', 'd'];
  assert.deepEqual(paginate(all, null, null), { items: all });
  assert.deepEqual(paginate(all, '2', null), { items: ['a', 'b'], next: 'b' });
  assert.deepEqual(paginate(all, '2', 'b'), { items: ['c', 'd'] });
  assert.deepEqual(paginate(all, '0', null), { items: [] });
  assert.deepEqual(paginate(all, '9', 'a'), { items: ['b', 'c', 'd'] });
  assert.equal(code(() => paginate(all, 'x', null)), 'PAGINATION_NUMBER_INVALID');
});

test('byte ranges and upload content ranges', () => {
  assert.deepEqual(parseByteRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseByteRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseByteRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.deepEqual(parseByteRange('bytes=50-500', 100), { start: 50, end: 99 });
  assert.equal(parseByteRange('bytes=100-', 100), 'unsatisfiable');
  assert.equal(parseByteRange('bytes=0-1,5-6', 100), undefined); // multipart: whole body
  assert.equal(parseByteRange(undefined, 100), undefined);
  assert.deepEqual(parseContentRange('0-99'), { start: 0, end: 99 });
  assert.deepEqual(parseContentRange('bytes 100-199/*'), { start: 100, end: 199 });
  assert.equal(code(() => parseContentRange('9-1')), 'RANGE_INVALID');
});

test('manifest validation: types, descriptors, references', () => {
  const cfg = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D, size: 2 };
  const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'b'.repeat(64)}`, size: 3 };
  const foreign = { ...layer, digest: `sha256:${'c'.repeat(64)}`, urls: ['https://example.com/l'] };
  const m = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: cfg, layers: [layer, foreign] })), 'application/vnd.oci.image.manifest.v1+json; charset=utf-8');
  assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.deepEqual(m.blobs, [D, layer.digest]); // foreign layers are not required
  const idx = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ ...cfg, mediaType: 'application/vnd.oci.image.manifest.v1+json' }] })), undefined);
  assert.equal(idx.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.deepEqual(idx.manifests, [D]);
  const bad = (doc: unknown, type?: string) => code(() => parseManifest(Buffer.from(JSON.stringify(doc)), type));
  assert.equal(bad({ schemaVersion: 2, config: cfg }), 'MANIFEST_INVALID');
  assert.equal(bad({ schemaVersion: 2, config: { ...cfg, size: -1 }, layers: [] }), 'MANIFEST_INVALID');
  assert.equal(bad({ schemaVersion: 2, config: { ...cfg, digest: 'sha256:zz' }, layers: [] }), 'DIGEST_INVALID');
  assert.equal(bad({ schemaVersion: 3, config: cfg, layers: [] }), 'MANIFEST_INVALID');
  assert.equal(bad([1, 2]), 'MANIFEST_INVALID');
});

test('htpasswd: bcrypt entries only; Basic header decoding', async () => {
  const h = Htpasswd.parse('u:$2b$04$abcdefghijklmnopqrstuu3gN3Rd3yjrTBfXvW8U1r0Kbmr9vYaGi\n');
  assert.equal(await h.verify('nobody', 'x'), false);
  assert.throws(() => Htpasswd.parse('u:plain\n', 'f'), /f:1: not a "user:bcrypt-hash" entry/);
  assert.deepEqual(parseBasicAuth(`Basic ${Buffer.from('a:b:c').toString('base64')}`), { user: 'a', password: 'b:c' });
  assert.equal(parseBasicAuth('Bearer x'), undefined);
});

test('--addr forms', () => {
  assert.deepEqual(parseAddr('127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
  assert.deepEqual(parseAddr(':5000'), { host: '0.0.0.0', port: 5000 });
  assert.deepEqual(parseAddr('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseAddr('5001'), { host: '0.0.0.0', port: 5001 });
  assert.throws(() => parseAddr('localhost'), /invalid --addr/);
  assert.throws(() => parseAddr('h:70000'), /invalid --addr/);
});
