import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { collect, filtersFrom } from '../../../src/cli/options.js';

test('filtersFrom groups repeated keys and splits at the first =', () => {
  assert.deepEqual(filtersFrom(['status=exited', 'label=a=b', 'status=running', 'name=']), {
    status: ['exited', 'running'],
    label: ['a=b'],
    name: [''],
  });
  assert.deepEqual(filtersFrom(undefined), {});
  assert.deepEqual(filtersFrom([]), {});
});

test('filtersFrom refuses a filter without a key or =, with Docker\'s words', () => {
  for (const bad of ['bogus', '=x']) {
    assert.throws(() => filtersFrom([bad]), (err: unknown) => err instanceof InvalidArgumentError && /bad format of filter \(expected name=value\)/.test(err.message), bad);
  }
});

test('collect accumulates a repeatable flag', () => {
  assert.deepEqual(collect('b', collect('a')), ['a', 'b']);
});
