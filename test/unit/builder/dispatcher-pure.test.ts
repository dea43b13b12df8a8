import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globToRegExp, hasWildcards } from '../../../src/builder/copy/glob.js';
import { explainMiss } from '../../../src/builder/cache/explain-miss.js';
import type { StepInputs } from '../../../src/builder/cache/build-cache.js';
import { goDuration, goQuoteList, goRune, nopCreatedBy } from '../../../src/builder/dispatch/history.js';
import { BuildArgs } from '../../../src/builder/dispatch/build-args.js';
import { normalizeDest } from '../../../src/builder/steps/copy-step.js';

test('COPY wildcards follow Go filepath.Match: no match across /', () => {
  assert.ok(hasWildcards('src/*.txt') && !hasWildcards('src/a.txt'));
  const re = globToRegExp('src/*.txt');
  assert.ok(re.test('src/a.txt'));
  assert.ok(!re.test('src/sub/a.txt'));
  assert.ok(globToRegExp('f?.[a-c]').test('f1.b'));
  assert.ok(!globToRegExp('f[^0-9]').test('f1'));
});

test('history strings match Docker\'s classic builder', () => {
  assert.equal(nopCreatedBy(['/bin/sh', '-c'], `CMD ${goQuoteList(['httpd', '-f'])}`), '/bin/sh -c #(nop)  CMD ["httpd" "-f"]');
  assert.equal(goDuration(30e9), '30s');
  assert.equal(goDuration(90e9), '1m30s');
  assert.equal(goDuration(1.5e6), '1.5ms');
  assert.equal(goDuration(3600e9 + 1e9), '1h0m1s');
  assert.equal(goRune(3), "'\\x03'");
});

test('build args: given beats ARG default beats meta default; unused ones are listed', () => {
  const args = new BuildArgs({ A: 'given', UNUSED: 'x', HTTP_PROXY: 'p' });
  args.addMeta('M', 'meta');
  const st = args.stage();
  st.declare('A', 'dflt');
  st.declare('M', undefined);
  assert.deepEqual(Object.fromEntries(st.values()), { A: 'given', M: 'meta', HTTP_PROXY: 'p' });
  assert.ok(st.isUnreferencedBuiltin('HTTP_PROXY'));
  assert.deepEqual(args.unused(), ['UNUSED']);
});

test('COPY destinations are relative to WORKDIR and keep a trailing slash', () => {
  assert.equal(normalizeDest('/www', '.'), '/www');
  assert.equal(normalizeDest('/www', 'sub/'), '/www/sub/');
  assert.equal(normalizeDest('', 'x'), '/x');
  assert.equal(normalizeDest('/w', '/abs'), '/abs');
});

test('cache misses are explained by the first changed input', () => {
  const base: StepInputs = { instruction: '/bin/sh -c make', parent: 'sha256:p', base: { ref: 'busybox', id: 'sha256:b1' }, args: { V: '1' } };
  assert.equal(explainMiss(undefined, base), 'no earlier build of this step to compare with');
  assert.equal(explainMiss(base, { ...base, parent: 'sha256:q', base: { ref: 'busybox', id: 'sha256:b2' } }), 'base image busybox:latest changed');
  assert.equal(explainMiss(base, { ...base, parent: 'sha256:q' }), 'an earlier step changed');
  assert.equal(explainMiss(base, { ...base, args: { V: '2' } }), 'build arg V changed (was 1, now 2)');
  const copy = { ...base, instruction: `COPY dir:${'a'.repeat(64)} in /app `, files: { 'a.txt': '1', 'b.txt': '2' } };
  const changed = { ...copy, instruction: `COPY dir:${'b'.repeat(64)} in /app `, files: { 'a.txt': '1', 'b.txt': '3', 'c.txt': '4' } };
  assert.equal(explainMiss(copy, changed), 'file b.txt changed (and 1 more)');
  assert.equal(explainMiss(base, { ...base, instruction: '/bin/sh -c make all' }), 'instruction changed (was: /bin/sh -c make)');
  assert.equal(explainMiss(base, base), 'the cached image is gone (removed or pruned)');
});
