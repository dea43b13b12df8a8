import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePaxRecords, encodePaxRecords, xattrsOf } from '../../../src/archive/pax.js';
import { cleanEntryPath } from '../../../src/archive/entry-path.js';

test('PAX records round-trip binary values, across length-digit boundaries', () => {
  for (let n = 80; n < 1010; n++) {
    const records = new Map([['SCHILY.xattr.security.capability', Buffer.alloc(n, 0xff)]]);
    const enc = encodePaxRecords(records);
    const len = Number.parseInt(enc.toString('latin1', 0, enc.indexOf(0x20)), 10);
    assert.equal(len, enc.length, `length field for value of ${n} bytes`);
    assert.deepEqual(decodePaxRecords(enc), records);
  }
});

test('xattrsOf picks SCHILY.xattr.* records', () => {
  const recs = decodePaxRecords(encodePaxRecords(new Map([
    ['path', Buffer.from('a/b')],
    ['SCHILY.xattr.user.x', Buffer.from('1')],
  ])));
  assert.deepEqual([...xattrsOf(recs)], [['user.x', Buffer.from('1')]]);
});

test('decodePaxRecords stops at malformed input instead of reading past it', () => {
  assert.deepEqual(decodePaxRecords(Buffer.from('999 path=x\n')), new Map());
  assert.deepEqual(decodePaxRecords(Buffer.from('garbage')), new Map());
});

test('cleanEntryPath strips ./ and trailing slashes and keeps in-root ..', () => {
  assert.equal(cleanEntryPath('./etc/passwd'), 'etc/passwd');
  assert.equal(cleanEntryPath('etc//sub/'), 'etc/sub');
  assert.equal(cleanEntryPath('a/../b'), 'b');
  assert.equal(cleanEntryPath('./'), '');
  assert.throws(() => cleanEntryPath('a/../../b'), /escapes the layer root/);
  assert.throws(() => cleanEntryPath('/etc/passwd'), /absolute/);
  assert.throws(() => cleanEntryPath(''), /empty name/);
});
