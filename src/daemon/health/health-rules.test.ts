import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Health } from '../../core/wire/containers.js';
import { afterProbe, healthSuffix, mergeHealthcheck, probeCommand, probeTiming } from './health-rules.js';

const ok = { Start: 's', End: 'e', ExitCode: 0, Output: '' };
const fail = { ...ok, ExitCode: 1 };
const starting: Health = { Status: 'starting', FailingStreak: 0, Log: [] };

test('the container\'s healthcheck wins field by field; an empty Test inherits the image\'s', () => {
  const image = { Test: ['CMD', 'true'], Interval: 5e9, Retries: 4 };
  assert.deepEqual(mergeHealthcheck(image, undefined), image);
  assert.deepEqual(mergeHealthcheck(undefined, { Test: ['NONE'] }), { Test: ['NONE'] });
  assert.deepEqual(mergeHealthcheck(image, { Test: [], Interval: 1e9 }), { Test: ['CMD', 'true'], Interval: 1e9, Retries: 4 });
});

test('probe commands: CMD execs, CMD-SHELL goes through /bin/sh -c, NONE and empty mean none', () => {
  assert.deepEqual(probeCommand({ Test: ['CMD', 'curl', '-f', 'x'] }), ['curl', '-f', 'x']);
  assert.deepEqual(probeCommand({ Test: ['CMD-SHELL', 'test -f /ok'] }), ['/bin/sh', '-c', 'test -f /ok']);
  for (const t of [['NONE'], [], ['CMD']]) assert.equal(probeCommand({ Test: t }), undefined);
  assert.deepEqual(probeTiming({}), { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0, startIntervalMs: 5_000 });
});

test('Docker\'s transitions: retries failures make it unhealthy, one success healthy, start-period failures do not count while starting', () => {
  let h = afterProbe(starting, fail, 2, false);
  assert.deepEqual([h.Status, h.FailingStreak], ['starting', 1]);
  h = afterProbe(h, fail, 2, false);
  assert.deepEqual([h.Status, h.FailingStreak], ['unhealthy', 2]);
  h = afterProbe(h, ok, 2, false);
  assert.deepEqual([h.Status, h.FailingStreak], ['healthy', 0]);
  assert.deepEqual([afterProbe(starting, fail, 1, true).Status, afterProbe(starting, fail, 1, true).FailingStreak], ['starting', 0]);
  assert.equal(afterProbe({ ...h }, fail, 1, true).Status, 'unhealthy', 'once healthy, the start period no longer shields');
  let many = starting;
  for (let i = 0; i < 8; i++) many = afterProbe(many, ok, 3, false);
  assert.equal(many.Log.length, 5);
  assert.equal(healthSuffix({ ...starting }), ' (health: starting)');
  assert.equal(healthSuffix(h), ' (healthy)');
  assert.equal(healthSuffix(undefined), '');
});
