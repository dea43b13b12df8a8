import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { bin, errorCodes, pushBlob, pushImage, sha256, startRegistry, tempRoot, type RegistryProcess } from './registry-process.js';

/** The distribution spec's endpoints against a real `berth registry serve`, with fetch as the client. */
let reg: RegistryProcess;
let url: string;

before(async () => {
  reg = await startRegistry(await tempRoot());
  url = reg.url;
});
after(async () => {
  await reg.stop();
  await rm(reg.root, { recursive: true, force: true });
});

test('GET /v2/ answers 200 with the API version header', async () => {
  const res = await fetch(`${url}/v2/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
  assert.deepEqual(await res.json(), {});
});

test('monolithic POST ?digest= stores a blob; GET, HEAD and Range read it back', async () => {
  const data = Buffer.from('0123456789');
  const digest = sha256(data);
  const post = await fetch(`${url}/v2/mono/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bin(data) });
  assert.equal(post.status, 201);
  assert.equal(post.headers.get('location'), `/v2/mono/blobs/${digest}`);
  assert.equal(post.headers.get('docker-content-digest'), digest);

  const head = await fetch(`${url}/v2/mono/blobs/${digest}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '10');
  assert.equal(head.headers.get('docker-content-digest'), digest);

  const get = await fetch(`${url}/v2/mono/blobs/${digest}`);
  assert.equal(Buffer.from(await get.arrayBuffer()).toString(), '0123456789');

  const part = await fetch(`${url}/v2/mono/blobs/${digest}`, { headers: { Range: 'bytes=2-4' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), 'bytes 2-4/10');
  assert.equal(await part.text(), '234');
  const tail = await fetch(`${url}/v2/mono/blobs/${digest}`, { headers: { Range: 'bytes=-3' } });
  assert.equal(await tail.text(), '789');
  const past = await fetch(`${url}/v2/mono/blobs/${digest}`, { headers: { Range: 'bytes=10-' } });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), 'bytes */10');
});

test('POST then PUT with the whole blob', async () => {
  const data = Buffer.from('post-then-put');
  const start = await fetch(`${url}/v2/pp/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const loc = start.headers.get('location')!;
  assert.match(loc, /^\/v2\/pp\/blobs\/uploads\/[0-9a-f-]{36}$/);
  assert.equal(start.headers.get('range'), '0-0');
  assert.ok(start.headers.get('docker-upload-uuid'));
  const put = await fetch(`${url}${loc}?digest=${sha256(data)}`, { method: 'PUT', body: bin(data), headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(put.status, 201);
  assert.equal(put.headers.get('docker-content-digest'), sha256(data));
  assert.equal(await (await fetch(`${url}/v2/pp/blobs/${sha256(data)}`)).text(), 'post-then-put');
});

test('chunked PATCH with Content-Range; out-of-order chunk is 416; GET reports progress; PUT completes', async () => {
  const data = Buffer.from('abcdefghijklmnopqrstuvwxyz');
  const start = await fetch(`${url}/v2/chunk/blobs/uploads/`, { method: 'POST' });
  let loc = start.headers.get('location')!;
  const c1 = await fetch(`${url}${loc}`, { method: 'PATCH', headers: { 'Content-Range': '0-9', 'Content-Type': 'application/octet-stream' }, body: bin(data.subarray(0, 10)) });
  assert.equal(c1.status, 202);
  assert.equal(c1.headers.get('range'), '0-9');
  loc = c1.headers.get('location')!;

  const gap = await fetch(`${url}${loc}`, { method: 'PATCH', headers: { 'Content-Range': '12-15' }, body: bin(data.subarray(12, 16)) });
  assert.equal(gap.status, 416);
  assert.equal(gap.headers.get('range'), '0-9');
  const again = await fetch(`${url}${loc}`, { method: 'PATCH', headers: { 'Content-Range': '0-9' }, body: bin(data.subarray(0, 10)) });
  assert.equal(again.status, 416);

  const status = await fetch(`${url}${loc}`);
  assert.equal(status.status, 204);
  assert.equal(status.headers.get('range'), '0-9');
  assert.equal(status.headers.get('location'), loc);

  const c2 = await fetch(`${url}${loc}`, { method: 'PATCH', headers: { 'Content-Range': '10-19' }, body: bin(data.subarray(10, 20)) });
  assert.equal(c2.headers.get('range'), '0-19');
  // The last chunk rides on the PUT.
  const put = await fetch(`${url}${loc}?digest=${sha256(data)}`, { method: 'PUT', headers: { 'Content-Range': '20-25' }, body: bin(data.subarray(20)) });
  assert.equal(put.status, 201);
  assert.equal(await (await fetch(`${url}/v2/chunk/blobs/${sha256(data)}`)).text(), data.toString());
  // The session is gone after completion.
  assert.deepEqual(await errorCodes(await fetch(`${url}${loc}`)), ['BLOB_UPLOAD_UNKNOWN']);
});

test('streamed PATCH without Content-Range (what Docker sends)', async () => {
  const data = Buffer.alloc(3 * 1024 * 1024, 7);
  const start = await fetch(`${url}/v2/stream/blobs/uploads/`, { method: 'POST' });
  const patch = await fetch(`${url}${start.headers.get('location')}`, { method: 'PATCH', body: bin(data) });
  assert.equal(patch.status, 202);
  assert.equal(patch.headers.get('range'), `0-${data.length - 1}`);
  const put = await fetch(`${url}${patch.headers.get('location')}?digest=${sha256(data)}`, { method: 'PUT' });
  assert.equal(put.status, 201);
  const head = await fetch(`${url}/v2/stream/blobs/${sha256(data)}`, { method: 'HEAD' });
  assert.equal(head.headers.get('content-length'), String(data.length));
});

test('a wrong digest is DIGEST_INVALID and stores nothing; a malformed one too', async () => {
  const wrong = sha256('something else');
  const res = await fetch(`${url}/v2/bad/blobs/uploads/?digest=${wrong}`, { method: 'POST', body: 'payload' });
  assert.equal(res.status, 400);
  assert.deepEqual(await errorCodes(res), ['DIGEST_INVALID']);
  assert.equal((await fetch(`${url}/v2/bad/blobs/${wrong}`, { method: 'HEAD' })).status, 404);
  assert.equal((await fetch(`${url}/v2/bad/blobs/${sha256('payload')}`, { method: 'HEAD' })).status, 404);
  const blobs = await readdir(join(reg.root, 'blobs', 'sha256')).catch(() => [] as string[]);
  assert.ok(!blobs.includes(sha256('payload').slice(7)));
  const malformed = await fetch(`${url}/v2/bad/blobs/uploads/?digest=sha256:xyz`, { method: 'POST', body: 'x' });
  assert.deepEqual(await errorCodes(malformed), ['DIGEST_INVALID']);
  const start = await fetch(`${url}/v2/bad/blobs/uploads/`, { method: 'POST' });
  const noDigest = await fetch(`${url}${start.headers.get('location')}`, { method: 'PUT', body: 'x' });
  assert.equal(noDigest.status, 400);
  assert.deepEqual(await errorCodes(noDigest), ['DIGEST_INVALID']);
});

test('DELETE of an upload session; unknown sessions are BLOB_UPLOAD_UNKNOWN', async () => {
  const start = await fetch(`${url}/v2/cancel/blobs/uploads/`, { method: 'POST' });
  const loc = start.headers.get('location')!;
  assert.equal((await fetch(`${url}${loc}`, { method: 'DELETE' })).status, 204);
  const gone = await fetch(`${url}${loc}`);
  assert.equal(gone.status, 404);
  assert.deepEqual(await errorCodes(gone), ['BLOB_UPLOAD_UNKNOWN']);
  assert.deepEqual(await errorCodes(await fetch(`${url}/v2/cancel/blobs/uploads/not-a-uuid`, { method: 'PATCH', body: 'x' })), ['BLOB_UPLOAD_UNKNOWN']);
  // A session belongs to its repository.
  const other = await fetch(`${url}/v2/cancel/blobs/uploads/`, { method: 'POST' });
  const id = other.headers.get('docker-upload-uuid')!;
  assert.deepEqual(await errorCodes(await fetch(`${url}/v2/elsewhere/blobs/uploads/${id}`)), ['BLOB_UPLOAD_UNKNOWN']);
});

test('blobs are per repository; cross-repository mount links them', async () => {
  const digest = await pushBlob(url, 'src/repo', 'shared layer');
  const notThere = await fetch(`${url}/v2/dst/repo/blobs/${digest}`);
  assert.equal(notThere.status, 404);
  assert.deepEqual(await errorCodes(notThere), ['BLOB_UNKNOWN']);

  const mount = await fetch(`${url}/v2/dst/repo/blobs/uploads/?mount=${digest}&from=src/repo`, { method: 'POST' });
  assert.equal(mount.status, 201);
  assert.equal(mount.headers.get('location'), `/v2/dst/repo/blobs/${digest}`);
  assert.equal(await (await fetch(`${url}/v2/dst/repo/blobs/${digest}`)).text(), 'shared layer');

  // Not mountable (the source does not have it): an ordinary upload session starts.
  const fallback = await fetch(`${url}/v2/third/blobs/uploads/?mount=${digest}&from=nowhere`, { method: 'POST' });
  assert.equal(fallback.status, 202);
  assert.match(fallback.headers.get('location')!, /\/v2\/third\/blobs\/uploads\//);
});

test('DELETE blob unlinks it from the repository only', async () => {
  const digest = await pushBlob(url, 'del/a', 'to delete');
  await fetch(`${url}/v2/del/b/blobs/uploads/?mount=${digest}&from=del/a`, { method: 'POST' });
  const del = await fetch(`${url}/v2/del/a/blobs/${digest}`, { method: 'DELETE' });
  assert.equal(del.status, 202);
  assert.equal((await fetch(`${url}/v2/del/a/blobs/${digest}`, { method: 'HEAD' })).status, 404);
  assert.equal((await fetch(`${url}/v2/del/b/blobs/${digest}`, { method: 'HEAD' })).status, 200);
  assert.deepEqual(await errorCodes(await fetch(`${url}/v2/del/a/blobs/${digest}`, { method: 'DELETE' })), ['BLOB_UNKNOWN']);
});

test('manifests: PUT by tag, GET/HEAD by tag and digest with the stored media type', async () => {
  const { manifest, digest } = await pushImage(url, 'img/one', 'v1');
  for (const ref of ['v1', digest]) {
    const get = await fetch(`${url}/v2/img/one/manifests/${ref}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(get.headers.get('docker-content-digest'), digest);
    assert.deepEqual(Buffer.from(await get.arrayBuffer()), manifest);
    const head = await fetch(`${url}/v2/img/one/manifests/${ref}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(manifest.length));
    assert.equal(head.headers.get('docker-content-digest'), digest);
  }
  const unknown = await fetch(`${url}/v2/img/one/manifests/v2`);
  assert.equal(unknown.status, 404);
  assert.deepEqual(await errorCodes(unknown), ['MANIFEST_UNKNOWN']);
  const noRepo = await fetch(`${url}/v2/img/none/manifests/v1`);
  assert.deepEqual(await errorCodes(noRepo), ['MANIFEST_UNKNOWN']);
});

test('manifest PUT by digest; a digest that does not match is DIGEST_INVALID; ?tag= adds tags', async () => {
  const { manifest, digest } = await pushImage(url, 'img/two', 'base');
  const put = await fetch(`${url}/v2/img/two/manifests/${digest}?tag=a&tag=b`, {
    method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: bin(manifest),
  });
  assert.equal(put.status, 201);
  assert.equal(put.headers.get('location'), `/v2/img/two/manifests/${digest}`);
  assert.equal(put.headers.get('oci-tag'), 'a, b');
  assert.equal((await fetch(`${url}/v2/img/two/manifests/a`, { method: 'HEAD' })).headers.get('docker-content-digest'), digest);
  const mismatch = await fetch(`${url}/v2/img/two/manifests/${sha256('other')}`, {
    method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: bin(manifest),
  });
  assert.equal(mismatch.status, 400);
  assert.deepEqual(await errorCodes(mismatch), ['DIGEST_INVALID']);
});

test('manifest PUT validation: JSON, media type, referenced blobs', async () => {
  const put = (body: string, type = 'application/vnd.oci.image.manifest.v1+json', repo = 'val') =>
    fetch(`${url}/v2/${repo}/manifests/t`, { method: 'PUT', headers: { 'Content-Type': type }, body });
  let res = await put('{not json');
  assert.equal(res.status, 400);
  assert.deepEqual(await errorCodes(res), ['MANIFEST_INVALID']);
  res = await put(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: {}, layers: [] }));
  assert.deepEqual(await errorCodes(res), ['MANIFEST_INVALID']); // header and field disagree
  res = await put(JSON.stringify({ schemaVersion: 1, name: 'x', tag: 't', fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws');
  assert.deepEqual(await errorCodes(res), ['MANIFEST_INVALID']);
  res = await put('{"schemaVersion":2}', 'application/vnd.example.thing');
  assert.deepEqual(await errorCodes(res), ['MANIFEST_INVALID']);

  const cfg = await pushBlob(url, 'val', '{}');
  const missing = sha256('not pushed');
  res = await put(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cfg, size: 2 },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: missing, size: 10 }],
  }), 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(res.status, 400);
  const body = (await res.json()) as { errors: { code: string; detail: { digest: string } }[] };
  assert.equal(body.errors[0]!.code, 'MANIFEST_BLOB_UNKNOWN');
  assert.equal(body.errors[0]!.detail.digest, missing);

  // A blob of another repository does not count.
  const foreign = await pushBlob(url, 'val-other', 'foreign layer');
  res = await put(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg, size: 2 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: foreign, size: 13 }],
  }));
  assert.deepEqual(await errorCodes(res), ['MANIFEST_BLOB_UNKNOWN']);

  // A Docker schema 2 manifest is stored and served with its own type.
  const layer = await pushBlob(url, 'val', 'ok layer');
  const docker = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: cfg, size: 2 },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layer, size: 8 }],
  });
  res = await put(docker, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(res.status, 201);
  const get = await fetch(`${url}/v2/val/manifests/t`);
  assert.equal(get.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v2+json');

  const big = await put(Buffer.alloc(5 * 1024 * 1024, 32).toString());
  assert.equal(big.status, 413);
});

test('index / manifest list: children must be manifests of the repository', async () => {
  const child = await pushImage(url, 'multi', 'amd64');
  const entry = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: child.digest, size: child.manifest.length, platform: { os: 'linux', architecture: 'amd64' } };
  const ghost = { ...entry, digest: sha256('ghost manifest') };
  const put = (manifests: unknown[], type: string) => fetch(`${url}/v2/multi/manifests/latest`, {
    method: 'PUT', headers: { 'Content-Type': type }, body: JSON.stringify({ schemaVersion: 2, mediaType: type, manifests }),
  });
  assert.deepEqual(await errorCodes(await put([entry, ghost], 'application/vnd.oci.image.index.v1+json')), ['MANIFEST_BLOB_UNKNOWN']);
  for (const type of ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']) {
    const res = await put([entry], type);
    assert.equal(res.status, 201);
    assert.equal((await fetch(`${url}/v2/multi/manifests/latest`, { method: 'HEAD' })).headers.get('content-type'), type);
  }
});

test('DELETE manifest by digest removes it and its tags; by tag removes the tag', async () => {
  const a = await pushImage(url, 'delm', 'one', 'a');
  await fetch(`${url}/v2/delm/manifests/${a.digest}?tag=two`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: bin(a.manifest) });
  const b = await pushImage(url, 'delm', 'keep', 'b');
  assert.equal((await fetch(`${url}/v2/delm/manifests/two`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${url}/v2/delm/manifests/two`, { method: 'HEAD' })).status, 404);
  assert.equal((await fetch(`${url}/v2/delm/manifests/one`, { method: 'HEAD' })).status, 200);
  assert.equal((await fetch(`${url}/v2/delm/manifests/${a.digest}`, { method: 'DELETE' })).status, 202);
  assert.equal((await fetch(`${url}/v2/delm/manifests/${a.digest}`, { method: 'HEAD' })).status, 404);
  assert.equal((await fetch(`${url}/v2/delm/manifests/one`, { method: 'HEAD' })).status, 404);
  assert.deepEqual(((await (await fetch(`${url}/v2/delm/tags/list`)).json()) as { tags: string[] }).tags, ['keep']);
  assert.equal((await fetch(`${url}/v2/delm/manifests/${b.digest}`, { method: 'HEAD' })).status, 200);
  assert.deepEqual(await errorCodes(await fetch(`${url}/v2/delm/manifests/${a.digest}`, { method: 'DELETE' })), ['MANIFEST_UNKNOWN']);
});

test('referrers API lists manifests whose subject is the digest, with artifactType filter', async () => {
  const subject = await pushImage(url, 'refs', 'v1');
  const cfg = Buffer.from('{}');
  const cfgDigest = await pushBlob(url, 'refs', cfg);
  const sbom = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/vnd.example.sbom',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: cfgDigest, size: 2 }, layers: [],
    subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject.digest, size: subject.manifest.length },
    annotations: { 'org.example': 'yes' },
  }));
  const put = await fetch(`${url}/v2/refs/manifests/${sha256(sbom)}`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: bin(sbom) });
  assert.equal(put.status, 201);
  assert.equal(put.headers.get('oci-subject'), subject.digest);
  const res = await fetch(`${url}/v2/refs/referrers/${subject.digest}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json');
  const index = (await res.json()) as { manifests: { digest: string; artifactType: string; annotations: Record<string, string> }[] };
  assert.equal(index.manifests.length, 1);
  assert.equal(index.manifests[0]!.digest, sha256(sbom));
  assert.equal(index.manifests[0]!.artifactType, 'application/vnd.example.sbom');
  assert.deepEqual(index.manifests[0]!.annotations, { 'org.example': 'yes' });
  const filtered = await fetch(`${url}/v2/refs/referrers/${subject.digest}?artifactType=application/vnd.other`);
  assert.equal(filtered.headers.get('oci-filters-applied'), 'artifactType');
  assert.deepEqual(((await filtered.json()) as { manifests: unknown[] }).manifests, []);
  assert.equal((await fetch(`${url}/v2/refs/referrers/sha256:nope`)).status, 400);
});

test('invalid names are NAME_INVALID; unknown repositories NAME_UNKNOWN; wrong methods UNSUPPORTED', async () => {
  for (const name of ['UPPER', 'a//b', '-lead', 'a/_layers', 'x'.repeat(256)]) {
    const res = await fetch(`${url}/v2/${name}/tags/list`);
    assert.equal(res.status, 400, name);
    assert.deepEqual(await errorCodes(res), ['NAME_INVALID']);
  }
  const unknown = await fetch(`${url}/v2/never/pushed/tags/list`);
  assert.equal(unknown.status, 404);
  assert.deepEqual(await errorCodes(unknown), ['NAME_UNKNOWN']);
  const method = await fetch(`${url}/v2/x/tags/list`, { method: 'DELETE' });
  assert.equal(method.status, 405);
  assert.deepEqual(await errorCodes(method), ['UNSUPPORTED']);
  assert.equal((await fetch(`${url}/v3/`)).status, 404);
});

test('every request is logged in one line with method, path, status, bytes and ms', async () => {
  await fetch(`${url}/v2/?probe=log`);
  await new Promise((r) => setTimeout(r, 100));
  const line = reg.log().split('\n').find((l) => l.includes('/v2/?probe=log'));
  assert.ok(line, reg.log());
  assert.match(line, /method="GET" path="\/v2\/\?probe=log" status=200 bytes=3 ms=[\d.]+/);
});
