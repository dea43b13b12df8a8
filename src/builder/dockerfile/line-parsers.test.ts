import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineError, parseJsonArray, parseNameValues, parseWords, splitCommand, splitWhitespace } from './line-parsers.js';
import { parseHeredocWord } from './scan.js';
import { parseFlags, parseGoDuration } from './flags.js';
import { parseDockerfile } from './parse.js';

describe('splitCommand', () => {
  it('separates keyword, leading --flags and the rest', () => {
    assert.deepEqual(splitCommand('  COPY --from=a  --chown="1 2" src dst  '), { keyword: 'COPY', flags: ['--from=a', '--chown=1 2'], rest: 'src dst' });
    assert.deepEqual(splitCommand('RUN'), { keyword: 'RUN', flags: [], rest: '' });
    assert.deepEqual(splitCommand('RUN\t-x --y'), { keyword: 'RUN', flags: [], rest: '-x --y' });
    assert.deepEqual(splitCommand('RUN --a=\\"b --c'), { keyword: 'RUN', flags: ['--a="b', '--c'], rest: '' });
    assert.deepEqual(splitCommand('RUN --a -- --b'), { keyword: 'RUN', flags: ['--a'], rest: '--b' });
    assert.deepEqual(splitCommand("RUN --x='' y"), { keyword: 'RUN', flags: ['--x='], rest: 'y' });
  });
});

describe('parseWords', () => {
  it('keeps quotes and escapes, splits on unquoted blanks', () => {
    assert.deepEqual(parseWords('a="b c" d=\'e f\' g=h\\ i j', '\\'), ['a="b c"', "d='e f'", 'g=h\\ i', 'j']);
    assert.deepEqual(parseWords('a="b \\" c"', '\\'), ['a="b \\" c"']);
    assert.deepEqual(parseWords("a='b \\' c", '\\'), ["a='b \\'", 'c']);
    assert.deepEqual(parseWords('a=`"b', '`'), ['a=`"b']);
    assert.deepEqual(parseWords('""', '\\'), ['""']);
    assert.deepEqual(parseWords('   ', '\\'), []);
  });
});

describe('parseNameValues, parseJsonArray, splitWhitespace', () => {
  it('pairs', () => {
    assert.deepEqual(parseNameValues('a=1 b="2 3"', 'ENV', '\\'), [['a', '1'], ['b', '"2 3"']]);
    assert.deepEqual(parseNameValues('a   b c', 'ENV', '\\'), [['a', 'b c']]);
    assert.deepEqual(parseNameValues('', 'ENV', '\\'), []);
    assert.throws(() => parseNameValues('a', 'LABEL', '\\'), { message: 'LABEL must have two arguments' });
  });
  it('JSON arrays', () => {
    assert.deepEqual(parseJsonArray(' ["a", "b"]'), ['a', 'b']);
    assert.equal(parseJsonArray('["a", "b"] trailing'), undefined);
    assert.equal(parseJsonArray('{"a": 1}'), undefined);
    assert.equal(parseJsonArray('echo'), undefined);
    assert.throws(() => parseJsonArray('[null]'), LineError);
  });
  it('whitespace words', () => {
    assert.deepEqual(splitWhitespace('a \t b\vc'), ['a', 'b', 'c']);
    assert.deepEqual(splitWhitespace(''), []);
  });
});

describe('parseHeredocWord', () => {
  it('recognises Docker heredoc markers', () => {
    assert.deepEqual(parseHeredocWord('<<EOF'), { name: 'EOF', content: '', expand: true, chomp: false });
    assert.deepEqual(parseHeredocWord('<<-"E O"'), { name: 'E O', content: '', expand: false, chomp: true });
    assert.deepEqual(parseHeredocWord("3<<'x'y"), { name: 'xy', content: '', expand: false, chomp: false });
    assert.equal(parseHeredocWord('<<'), undefined);
    assert.equal(parseHeredocWord('a<<EOF'), undefined);
    assert.equal(parseHeredocWord('<<<EOF'), undefined);
    assert.equal(parseHeredocWord('"<<EOF"'), undefined);
  });
});

describe('parseFlags and durations', () => {
  it('bool, string and repeatable flags', () => {
    assert.deepEqual(parseFlags(['--a', '--b=x', '--c=1', '--c=2', '--d=TRUE'], { a: 'bool', b: 'string', c: 'strings', d: 'bool' }), {
      flags: { a: undefined, b: 'x', c: '2', d: 'true' },
      repeated: { c: ['1', '2'] },
    });
    assert.deepEqual(parseFlags([], {}), { flags: {} });
    assert.throws(() => parseFlags(['--constructor=x'], {}), { message: 'unknown flag: constructor' });
  });
  it('Go durations', () => {
    assert.equal(parseGoDuration('1h30m'), 5400e9);
    assert.equal(parseGoDuration('1.5s'), 1.5e9);
    assert.equal(parseGoDuration('.5ms'), 0.5e6);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('300us'), 300e3);
    assert.throws(() => parseGoDuration('1x'), { message: 'time: unknown unit "x" in duration "1x"' });
    assert.throws(() => parseGoDuration(''), { message: 'time: invalid duration ""' });
  });
});

describe('ONBUILD triggers in JSON form', () => {
  it('keeps the exec form and refuses flags on ONBUILD itself', () => {
    const ob = parseDockerfile('FROM a\nONBUILD CMD ["x", "y"]\n').stages[0]!.instructions[0]!;
    assert.ok(ob.kind === 'ONBUILD' && ob.trigger.kind === 'CMD');
    assert.deepEqual(ob.trigger.command, { form: 'exec', args: ['x', 'y'] });
    assert.throws(() => parseDockerfile('FROM a\nONBUILD --x RUN y\n'), { message: 'Dockerfile:2: unknown flag: x' });
  });
});
