import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lex, processWord, processWords } from './shell-lex.js';
import { InvalidArgument } from '../../core/errors.js';

// The environment of Docker's envVarTest table.
const ENV = { PWD: '/home', SHELL: 'bash', KOREAN: '한국어' };

// [source, expected] pairs after Docker's envVarTest (moby/buildkit frontend/dockerfile/shell),
// 'error' meaning the lexer must refuse the input.
const CASES: Array<[string, string]> = [
  ['hello', 'hello'],
  ["he'll'o", 'hello'],
  ["he'llo", 'error'],
  ["he\\'llo", "he'llo"],
  ["he\\\\'llo", 'error'],
  ['abc\\tdef', 'abctdef'],
  ['"abc\\tdef"', 'abc\\tdef'],
  ['"abc\\\\tdef"', 'abc\\tdef'],
  ["'abc\\tdef'", 'abc\\tdef'],
  ['hello\\', 'hello'],
  ['hello\\\\', 'hello\\'],
  ['"hello', 'error'],
  ['"hello\\"', 'error'],
  ['"hel\'lo"', "hel'lo"],
  ["'hello", 'error'],
  ["'hello\\'", 'hello\\'],
  ["'hello\\there'", 'hello\\there'],
  ["'hello\\\\there'", 'hello\\\\there'],
  ['"\'\'"', "''"],
  ['$.', '$.'],
  ['he$1x', 'hex'],
  ['he$.x', 'he$.x'],
  ['he$pwd.', 'he.'],
  ['he$PWD', 'he/home'],
  ['he\\$PWD', 'he$PWD'],
  ['he\\\\$PWD', 'he\\/home'],
  ['"he\\$PWD"', 'he$PWD'],
  ['"he\\\\$PWD"', 'he\\/home'],
  ['\\${}', '${}'],
  ['\\${}aaa', '${}aaa'],
  ['he\\${}', 'he${}'],
  ['he\\${}xx', 'he${}xx'],
  ['${}', 'error'],
  ['${}aaa', 'error'],
  ['he${}', 'error'],
  ['he${}xx', 'error'],
  ['he${hi}', 'he'],
  ['he${hi}xx', 'hexx'],
  ['he${PWD}', 'he/home'],
  ['he${.}', 'error'],
  ['he${XXX:-000}xx', 'he000xx'],
  ['he${PWD:-000}xx', 'he/homexx'],
  ['he${XXX:-$PWD}xx', 'he/homexx'],
  ['he${XXX:-${PWD:-yyy}}xx', 'he/homexx'],
  ['he${XXX:-${YYY:-yyy}}xx', 'heyyyxx'],
  ['he${XXX:YYY}', 'error'],
  ['he${XXX?}', 'error'],
  ['he${XXX:?}', 'error'],
  ['he${PWD?}', 'he/home'],
  ['he${PWD:?}', 'he/home'],
  ['he${NULL:?}', 'error'],
  ['he${NULL?}', 'he'],
  ['he${XXX:+${PWD}}xx', 'hexx'],
  ['he${PWD:+${XXX}}xx', 'hexx'],
  ['he${PWD:+${SHELL}}xx', 'hebashxx'],
  ['he${XXX:+000}xx', 'hexx'],
  ['he${PWD:+000}xx', 'he000xx'],
  ['he${NULL:+000}xx', 'hexx'],
  ['he${NULL+000}xx', 'he000xx'],
  ['he${XXX+000}xx', 'hexx'],
  ['he${NULL:-000}xx', 'he000xx'],
  ['he${NULL-000}xx', 'hexx'],
  ['he${XXX-000}xx', 'he000xx'],
  ["'he${XX}'", 'he${XX}'],
  ['"he${PWD}"', 'he/home'],
  ['"he\'$PWD\'"', "he'/home'"],
  ['"$PWD"', '/home'],
  ["'$PWD'", '$PWD'],
  ["'\\$PWD'", '\\$PWD'],
  ['\'"hello"\'', '"hello"'],
  ["'he\\$PWD'", 'he\\$PWD'],
  ['he${PWD', 'error'],
  ['he${PWD=000}xx', 'error'],
  ['he${PWD:=000}xx', 'error'],
  ['he${PWD:%}xx', 'error'],
  ['${:}', 'error'],
  ['${:-foo}', 'error'],
  ['${{PWD}', 'error'],
  ['he${KOREAN}', 'he한국어'],
  ['안녕$KOREAN', '안녕한국어'],
  ['${KOREAN:+$KOREAN}${NOPE:-안녕}', '한국어안녕'],
  ['${PWD#/}', 'home'],
  ['${PWD#*o}', 'me'],
  ['${PWD##*o}', 'me'],
  ['${SHELL%h}', 'bas'],
  ['${SHELL%?*}', 'bas'],
  ['${SHELL%%?*}', ''],
  ['${SHELL#x}', 'bash'],
  ['${SHELL/a/A}', 'bAsh'],
  ['${PWD//o/0}', '/h0me'],
  ['${PWD/h*/x}', '/x'],
  ['${PWD/[hm]/_}', '/_ome'],
  ['${PWD//[!o]/-}', '--o--'],
  ['${PWD/o}', '/hme'],
];

describe('processWord: Docker envVarTest cases', () => {
  const env = { ...ENV, NULL: '' };
  for (const [source, expected] of CASES) {
    it(`${source} -> ${expected}`, () => {
      if (expected === 'error') {
        assert.throws(() => processWord(source, env, '\\'), InvalidArgument);
      } else {
        assert.equal(processWord(source, env, '\\'), expected);
      }
    });
  }
});

describe('processWord errors', () => {
  it('wraps the message with the source as Docker does', () => {
    assert.throws(() => processWord('a${B:?is required}', {}, '\\'), {
      message: 'failed to process "a${B:?is required}": B: is required',
    });
    assert.throws(() => processWord('${B?}', {}, '\\'), { message: 'failed to process "${B?}": B: is not allowed to be unset' });
    assert.throws(() => processWord('${B:?}', { B: '' }, '\\'), { message: 'failed to process "${B:?}": B: is not allowed to be empty' });
    assert.throws(() => processWord('${B', {}, '\\'), { message: 'failed to process "${B": syntax error: missing \'}\'' });
    assert.throws(() => processWord('${}', {}, '\\'), { message: 'failed to process "${}": syntax error: bad substitution' });
    assert.throws(() => processWord('${A:=x}', {}, '\\'), { message: 'failed to process "${A:=x}": unsupported modifier (=) in substitution' });
    assert.throws(() => processWord('${A=x}', {}, '\\'), { message: 'failed to process "${A=x}": missing \':\' in substitution' });
    assert.throws(() => processWord("'abc", {}, '\\'), /unexpected end of statement while looking for matching single-quote/);
    assert.throws(() => processWord('"abc', {}, '\\'), /unexpected end of statement while looking for matching double-quote/);
  });
});

describe('processWord with the backtick escape', () => {
  it('escapes with ` and leaves \\ literal', () => {
    assert.equal(processWord('c:\\windows\\system32', {}, '`'), 'c:\\windows\\system32');
    assert.equal(processWord('`$PWD', ENV, '`'), '$PWD');
    assert.equal(processWord('"a`"b"', {}, '`'), 'a"b');
    assert.equal(processWord('"a\\"', {}, '`'), 'a\\');
    assert.equal(processWord('\\$PWD', ENV, '`'), '\\/home');
  });
});

describe('processWords', () => {
  it('splits on whitespace outside quotes, after substitution', () => {
    assert.deepEqual(processWords('a "b c" $X', { X: 'd  e' }, '\\'), ['a', 'b c', 'd', 'e']);
    assert.deepEqual(processWords('"$X"', { X: 'd  e' }, '\\'), ['d  e']);
    assert.deepEqual(processWords('  a   b  ', {}, '\\'), ['a', 'b']);
    assert.deepEqual(processWords('a\\ b', {}, '\\'), ['a b']);
    assert.deepEqual(processWords('"" a', {}, '\\'), ['a']);
    assert.deepEqual(processWords('x${Y}z', { Y: ' ' }, '\\'), ['x', 'z']);
    assert.deepEqual(processWords("'a b'c d", {}, '\\'), ['a bc', 'd']);
    assert.deepEqual(processWords('', {}, '\\'), []);
  });
  it('keeps whitespace between words in processWord', () => {
    assert.equal(processWord('a  "b"  c', {}, '\\'), 'a  b  c');
  });
  it('does not treat inherited object keys as variables', () => {
    assert.equal(processWord('[$constructor][$toString]', {}, '\\'), '[][]');
  });
});

describe('lex options used by the parser', () => {
  it('keeps quotes, escapes and unset references raw', () => {
    const o = { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true };
    assert.deepEqual(lex('cat <<"EOF" \'a b\' $X ${Y:-z} \\$', {}, '\\', o).words, ['cat', '<<"EOF"', "'a b'", '$X', '${Y:-z}', '\\$']);
    assert.equal(lex('${A#x}${B%%y}${C/a/b}${D?m}', {}, '\\', o).word, '${A#x}${B%%y}${C/a/b}${D?m}');
  });
});
