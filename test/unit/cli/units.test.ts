import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTime, humanDuration, humanSize, timeAgo } from '../../../src/cli/format/units.js';

test('humanSize: decimal units, 3 significant digits (units.HumanSizeWithPrecision(n, 3))', () => {
  const cases: Array<[number, string]> = [
    [0, '0B'],
    [999, '999B'],
    [1000, '1kB'],
    [1024, '1.02kB'],
    [4_260_000, '4.26MB'],
    [4_264_999, '4.26MB'],
    [1_979_000, '1.98MB'],
    [123_456_789, '123MB'],
    [1_500_000_000, '1.5GB'],
    [2e12, '2TB'],
  ];
  for (const [n, s] of cases) assert.equal(humanSize(n), s, String(n));
  assert.equal(humanSize(1_234_567, 4), '1.235MB');
});

test('humanSize: %g switches to an exponent when rounding reaches 1000', () => {
  assert.equal(humanSize(999_999), '1e+03kB');
});

test('humanDuration follows units.HumanDuration at every boundary', () => {
  const s = 1000;
  const m = 60 * s;
  const h = 60 * m;
  const day = 24 * h;
  const cases: Array<[number, string]> = [
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [s, '1 second'],
    [2 * s, '2 seconds'],
    [59 * s + 999, '59 seconds'],
    [m, 'About a minute'],
    [2 * m - 1, 'About a minute'],
    [2 * m, '2 minutes'],
    [59 * m, '59 minutes'],
    [60 * m, 'About an hour'],
    [89 * m, 'About an hour'],
    [90 * m, '2 hours'],
    [47 * h, '47 hours'],
    [48 * h, '2 days'],
    [13 * day, '13 days'],
    [14 * day, '2 weeks'],
    [59 * day, '8 weeks'],
    [60 * day, '2 months'],
    [729 * day, '24 months'],
    [730 * day, '2 years'],
  ];
  for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `${ms} ms`);
});

test('timeAgo and goTime', () => {
  const now = Date.UTC(2024, 0, 2, 15, 4, 5);
  assert.equal(timeAgo(now / 1000 - 3, now), '3 seconds ago');
  assert.equal(timeAgo(now / 1000, now), 'Less than a second ago');
  assert.equal(goTime(now / 1000), '2024-01-02 15:04:05 +0000 UTC');
});
