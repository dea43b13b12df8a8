import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from '../../../src/cli/format/table.js';

test('every column but the last is padded to its widest cell plus 3, at least 10', () => {
  assert.equal(
    renderTable([
      ['CONTAINER ID', 'IMAGE', 'NAMES'],
      ['abc', 'busybox:latest', 'x'],
    ]),
    'CONTAINER ID   IMAGE            NAMES\nabc            busybox:latest   x\n',
  );
  assert.equal(renderTable([['A', 'B'], ['c', 'd']]), 'A         B\nc         d\n', 'minimum width 10');
});

test('the last column is not padded; widths count characters, not bytes', () => {
  assert.equal(renderTable([['COMMAND', 'NAMES'], ['"sh -c while true; d…"', 'n']]), 'COMMAND                  NAMES\n"sh -c while true; d…"   n\n');
});

test('short rows and no rows', () => {
  assert.equal(renderTable([]), '');
  assert.equal(renderTable([['ONE', 'TWO', 'THREE'], ['a']]), 'ONE       TWO       THREE\na\n');
});

test('an empty last cell keeps the padding of the cell before it, as Go\'s tabwriter does', () => {
  assert.equal(renderTable([['NAMES', 'PORTS'], ['t1', '']]), 'NAMES     PORTS\nt1        \n');
});
