import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { bin, errorCodes, pushImage, startRegistry, tempRoot, type RegistryProcess } from './registry-process.js';

let reg: RegistryProcess;

before(async () => {
  reg = await startRegistry(await tempRoot());
  const img = await pushImage(reg.url, 'pages', 'e');
  const tags = ['d', 'a', 'c', 'b'].map((t) => `tag=${t}`).join('&');
  const res = await fetch(`${reg.url}/v2/pages/manifests/${img.digest}?${tags}`, {
    method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: bin(img.manifest),
  });
  assert.equal(res.status, 201);
  for (const repo of ['zeta', 'alpha/one', 'alpha/two', 'mid']) await pushImage(reg.url, repo, 'latest');
});
after(async () => {
  await reg.stop();
  await rm(reg.root, { recursive: true, force: true });
});

/** Follows `Link: <...>; rel="next"` headers from `first`, collecting one key of each page. */
async function walk(first: string, key: 'tags' | 'repositories'): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | undefined = first;
  while (next) {
    const res: Response = await fetch(`${reg.url}${next}`);
    assert.equal(res.status, 200);
    pages.push(((await res.json()) as Record<string, string[]>)[key]!);
    next = res.headers.get('link')?.match(/^<([^>]+)>;\s*rel="next"$/)?.[1];
    assert.ok(pages.length < 10);
  }
  return pages;
}

test('tags/list: sorted, n and last, Link to the next page', async () => {
  const all = (await (await fetch(`${reg.url}/v2/pages/tags/list`)).json()) as { name: string; tags: string[] };
  assert.deepEqual(all, { name: 'pages', tags: ['a', 'b', 'c', 'd', 'e'] });
  const first = await fetch(`${reg.url}/v2/pages/tags/list?n=2`);
  assert.equal(first.headers.get('link'), '</v2/pages/tags/list?last=b&n=2>; rel="next"');
  assert.deepEqual(await walk('/v2/pages/tags/list?n=2', 'tags'), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.deepEqual(await walk('/v2/pages/tags/list?n=2&last=c', 'tags'), [['d', 'e']]);
  const zero = await fetch(`${reg.url}/v2/pages/tags/list?n=0`);
  assert.equal(zero.headers.get('link'), null);
  assert.deepEqual(((await zero.json()) as { tags: string[] }).tags, []);
  const bad = await fetch(`${reg.url}/v2/pages/tags/list?n=-1`);
  assert.equal(bad.status, 400);
  assert.deepEqual(await errorCodes(bad), ['PAGINATION_NUMBER_INVALID']);
});

test('_catalog: nested names, n and last, Link to the next page', async () => {
  const all = (await (await fetch(`${reg.url}/v2/_catalog`)).json()) as { repositories: string[] };
  assert.deepEqual(all.repositories, ['alpha/one', 'alpha/two', 'mid', 'pages', 'zeta']);
  assert.deepEqual(await walk('/v2/_catalog?n=2', 'repositories'), [['alpha/one', 'alpha/two'], ['mid', 'pages'], ['zeta']]);
  assert.deepEqual(await walk('/v2/_catalog?n=10&last=mid', 'repositories'), [['pages', 'zeta']]);
});
